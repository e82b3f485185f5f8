import AMIProtocol

/// One client connection's replay of a recording: which recorded request answers each
/// request, and that answer as it goes out (docs/simulator.md, "Replaying a recording").
///
/// * A request is answered by the first recorded request, in file order, not used yet on
///   this connection, with the same Action and the same headers — names compared ignoring
///   case, `ActionID`, `Secret` and `Key` left out, the order of different headers free.
///   Recorded requests never asked for are simply not used.
/// * The answer is the server's text recorded from that request to the next one — the
///   response, and the events of that stretch, at their recorded spacing (divided by the
///   speed; 0 sends at once).
/// * ActionIDs: the recorded request's ActionID is rewritten to the client's wherever it
///   appears in what goes out from then on (the response, list entries, a later
///   OriginateResponse); a client ActionID where the recording had none is added to the
///   response, and a recorded one the client did not send is left out.
/// * Login is accepted whatever the secret: the next recorded Login answer (its headers
///   are not compared), or `Authentication accepted` when there is none (or it recorded
///   no answer). Logoff: the next recorded Logoff's answer or the standard Goodbye, then
///   the connection closes. Challenge with no
///   recorded one gets a challenge of its own.
/// * Anything else without a counterpart: `Response: Error`, `Message: amisim replay: no
///   recorded answer for Action X`, and a complaint for amisim's stderr.
public struct ReplayMatcher: Sendable {
    public struct Piece: Sendable, Equatable {
        public var text: String
        /// Seconds after the previous piece (the first: after the request, or after the
        /// connection was accepted for the opening).
        public var delay: Double
    }

    public struct Answer: Sendable, Equatable {
        public var pieces: [Piece]
        /// Close the connection once the pieces are out (Logoff).
        public var closesConnection = false
        /// A request with no recorded counterpart, in words, for amisim's stderr.
        public var complaint: String?
    }

    private let transcript: ReplayTranscript
    private let speed: Double
    private let fallbackBanner: String
    /// The comparison key of each recorded request.
    private let keys: [Key]
    private var used: [Bool]
    /// Recorded ActionID → the client's (nil: the client sent none, the line goes).
    private var actionIDs: [String: String?] = [:]

    /// `speed`: 1 is the recorded pace, N is N times faster, 0 sends everything at once.
    /// `fallbackBanner`: the banner when the recording has no server text before its first
    /// request and no metadata line naming one.
    public init(transcript: ReplayTranscript, speed: Double, fallbackBanner: String) {
        self.transcript = transcript
        self.speed = speed
        self.fallbackBanner = fallbackBanner
        keys = transcript.requests.map { Key($0.headers) }
        used = Array(repeating: false, count: transcript.requests.count)
    }

    /// What goes out when a client connects: the banner and whatever came before the
    /// first request.
    public func opening() -> [Piece] {
        guard !transcript.opening.isEmpty else {
            return [Piece(text: (transcript.metadataBanner ?? fallbackBanner) + "\r\n", delay: 0)]
        }
        return timed(transcript.opening, after: 0)
    }

    public mutating func answer(to request: [AMIHeader]) -> Answer {
        let key = Key(request)
        let clientActionID = request.first { $0.hasName("ActionID") }?.value
        let name = key.action.lowercased()
        let found: Int?
        switch name {
        case "login", "logoff":
            found = transcript.requests.indices.first { !used[$0] && keys[$0].action.lowercased() == name }
        default:
            found = transcript.requests.indices.first { !used[$0] && keys[$0] == key }
        }
        guard let index = found else { return standardAnswer(name: name, key: key, actionID: clientActionID) }
        used[index] = true
        let recorded = transcript.requests[index]
        // A script that logs off and ends at once leaves no Goodbye in its recording.
        if recorded.answer.isEmpty, name == "login" || name == "logoff" {
            return standardAnswer(name: name, key: key, actionID: clientActionID)
        }
        if let recordedID = recorded.actionID {
            actionIDs.updateValue(clientActionID, forKey: recordedID)
        }
        let insert = recorded.actionID == nil ? clientActionID : nil
        let pieces = timed(rewritten(recorded.answer, inserting: insert), after: recorded.seconds)
        return Answer(pieces: pieces, closesConnection: name == "logoff")
    }

    /// The answer when the recording has none.
    private func standardAnswer(name: String, key: Key, actionID: String?) -> Answer {
        switch name {
        case "login":
            let text = WirePacket.response("Success", actionID: actionID, message: "Authentication accepted").finished
            return Answer(pieces: [Piece(text: text, delay: 0)])
        case "logoff":
            let text = WirePacket.response("Goodbye", actionID: actionID, message: "Thanks for all the fish.").finished
            return Answer(pieces: [Piece(text: text, delay: 0)], closesConnection: true)
        case "challenge":
            var packet = WirePacket.response("Success", actionID: actionID)
            packet.add("Challenge", "123456789")
            return Answer(pieces: [Piece(text: packet.finished, delay: 0)])
        default:
            let action = key.action.isEmpty ? "(none)" : key.action
            let text = WirePacket.response("Error", actionID: actionID,
                                           message: "amisim replay: no recorded answer for Action \(action)").finished
            let headers = key.headers.map { "\($0.name): \($0.value)" }.joined(separator: ", ")
            return Answer(pieces: [Piece(text: text, delay: 0)],
                          complaint: "no recorded answer for Action \(action)" + (headers.isEmpty ? "" : " (\(headers))"))
        }
    }

    // MARK: Timing

    private func timed(_ pieces: [ReplayTranscript.Piece], after start: Double?) -> [Piece] {
        var previous = start
        return pieces.map { piece in
            var delay = 0.0
            if speed > 0, let previous, let seconds = piece.seconds {
                delay = max(0, (seconds - previous) / speed)
            }
            if let seconds = piece.seconds { previous = seconds }
            return Piece(text: piece.text, delay: delay)
        }
    }

    // MARK: ActionIDs

    /// The pieces with the recorded ActionIDs rewritten, and `inserting` (the client's
    /// ActionID, when the recorded request had none) added after the `Response:` line of
    /// the first response that has no ActionID.
    private func rewritten(_ pieces: [ReplayTranscript.Piece], inserting: String?) -> [ReplayTranscript.Piece] {
        var lines = pieces.map { Self.lines($0.text) }
        if let inserting, let (piece, line) = Self.responseWithoutActionID(lines) {
            let responseLine = lines[piece][line]
            let ending = responseLine.hasSuffix("\r\n") ? "\r\n" : "\n"
            lines[piece].insert("ActionID: \(inserting)" + ending, at: line + 1)
        }
        var output = pieces
        for index in output.indices {
            output[index].text = lines[index].compactMap(rewrittenLine).joined()
        }
        return output
    }

    /// An `ActionID:` line with the client's ID (nil: the line is left out); other lines as
    /// they are.
    private func rewrittenLine(_ line: String) -> String? {
        guard let colon = Self.headerColon(line, named: "actionid") else { return line }
        let ending = line.hasSuffix("\r\n") ? "\r\n" : line.hasSuffix("\n") ? "\n" : ""
        let value = line[line.index(after: colon)...].dropLast(ending.isEmpty ? 0 : 1)
            .drop { $0 == " " || $0 == "\t" }
        guard let mapped = actionIDs[String(value)] else { return line }
        guard let clientID = mapped else { return nil }
        return String(line[...colon]) + " " + clientID + ending
    }

    /// Where the first `Response:` line is whose packet (up to its empty line) has no
    /// ActionID: (piece, line).
    private static func responseWithoutActionID(_ lines: [[String]]) -> (Int, Int)? {
        var response: (Int, Int)?
        for (pieceIndex, piece) in lines.enumerated() {
            for (lineIndex, line) in piece.enumerated() {
                if let found = response {
                    if headerColon(line, named: "actionid") != nil { return nil }
                    if line == "\r\n" || line == "\n" { return found }
                } else if headerColon(line, named: "response") != nil {
                    response = (pieceIndex, lineIndex)
                }
            }
        }
        return response
    }

    /// The colon of a `name:` line (name compared ignoring case), or nil.
    private static func headerColon(_ line: String, named name: String) -> String.Index? {
        guard let colon = line.firstIndex(of: ":") else { return nil }
        return AMIHeader.namesEqual(String(line[..<colon]), name) ? colon : nil
    }

    /// The lines of a piece, each with its line end (the last one may have none).
    private static func lines(_ text: String) -> [String] {
        var lines: [String] = []
        var start = text.startIndex
        for index in text.indices where text[index] == "\n" || text[index] == "\r\n" {
            lines.append(String(text[start...index]))
            start = text.index(after: index)
        }
        if start < text.endIndex { lines.append(String(text[start...])) }
        return lines
    }

    // MARK: Matching

    /// What two requests must share to match: the Action (ignoring case) and the other
    /// headers but ActionID, Secret and Key, names ignoring case, sorted by name (a
    /// repeated header keeps the order of its values).
    struct Key: Equatable, Sendable {
        var action: String
        /// As they came (names in their case, for messages), in the order compared.
        var headers: [AMIHeader]

        init(_ request: [AMIHeader]) {
            action = request.first { $0.hasName("Action") }?.value ?? ""
            let ignored: Set<String> = ["action", "actionid", "secret", "key"]
            headers = request
                .filter { !ignored.contains($0.name.lowercased()) }
                .enumerated()
                .sorted { ($0.element.name.lowercased(), $0.offset) < ($1.element.name.lowercased(), $1.offset) }
                .map(\.element)
        }

        static func == (lhs: Key, rhs: Key) -> Bool {
            AMIHeader.namesEqual(lhs.action, rhs.action) && lhs.headers.count == rhs.headers.count
                && zip(lhs.headers, rhs.headers).allSatisfy { $0.hasName($1.name) && $0.value == $1.value }
        }
    }
}
