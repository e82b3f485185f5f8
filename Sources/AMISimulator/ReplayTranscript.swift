import AMIProtocol
import NIOCore

/// A recorded session as `amisim --replay` answers from it: the server's opening (banner
/// and what came before the first request), then every recorded request in file order
/// with the server's bytes that followed it up to the next request — its answer, and the
/// events of that stretch, with their times.
///
/// Read from the JSON Lines of `amiscript --record` or of the transcripts in
/// tests/fixtures/ami-transcripts (`AMITranscriptLine`). The client's bytes are framed
/// into requests by the decoder amisim reads live requests with, so both are read alike;
/// a request belongs to the line whose write completed it. The server's bytes are cut at
/// line ends (a piece of server text is whole lines; a line cut between two reads goes
/// with the read that ended it), so ActionIDs can be rewritten line by line.
///
/// A file of several connections (a script that reconnected: each starts with a metadata
/// line) is one sequence of requests; the banner and opening of the connections after
/// the first are not used.
public struct ReplayTranscript: Sendable {
    /// Server text that went out at one time.
    public struct Piece: Sendable, Equatable {
        public var text: String
        /// Seconds since the recorded connection began; nil in transcripts without `t`.
        public var seconds: Double?
    }

    public struct Request: Sendable {
        /// The request's headers as read (`Action`, `ActionID` and all).
        public var headers: [AMIHeader]
        /// When the write that completed it went out (nil without `t`).
        public var seconds: Double?
        /// The line of the file that completed it, for messages.
        public var line: Int
        /// The server's text from this request to the next one.
        public var answer: [Piece] = []

        public var action: String? { headers.first { $0.hasName("Action") }?.value }
        public var actionID: String? { headers.first { $0.hasName("ActionID") }?.value }
    }

    public struct FormatError: Error, Equatable, CustomStringConvertible {
        /// 1-based; nil for the file as a whole.
        public var line: Int?
        public var message: String
        public var description: String { line.map { "line \($0): \(message)" } ?? message }
    }

    /// What the server sent before the first request: the banner first.
    public var opening: [Piece] = []
    /// The banner of the first metadata line, for a recording whose server bytes do not
    /// start before the first request.
    public var metadataBanner: String?
    public var requests: [Request] = []

    public init(opening: [Piece] = [], metadataBanner: String? = nil, requests: [Request] = []) {
        self.opening = opening
        self.metadataBanner = metadataBanner
        self.requests = requests
    }

    /// Reads a whole file. Blank lines are skipped; anything else that is not a
    /// transcript line is an error naming its line (1-based).
    public static func parse(_ text: String) throws(FormatError) -> ReplayTranscript {
        var transcript = ReplayTranscript()
        var connection = ConnectionReader(isFirst: true)
        var lineNumber = 0
        var sawTraffic = false
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            if rawLine.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) { continue }
            let line: AMITranscriptLine
            do {
                line = try AMITranscriptLine.parse(String(rawLine))
            } catch {
                throw FormatError(line: lineNumber, message: error.message)
            }
            switch line {
            case .metadata(let fields):
                if connection.hasTraffic {
                    connection.finish(into: &transcript)
                    connection = ConnectionReader(isFirst: false)
                }
                if transcript.metadataBanner == nil, connection.isFirst {
                    transcript.metadataBanner = fields.first { $0.key == "banner" }?.value
                }
            case .traffic(let traffic):
                sawTraffic = true
                try connection.take(traffic, line: lineNumber, into: &transcript)
            }
        }
        guard sawTraffic else {
            throw FormatError(line: nil, message: "no recorded traffic (no line with \"dir\")")
        }
        connection.finish(into: &transcript)
        return transcript
    }

    /// One recorded connection being read.
    private struct ConnectionReader {
        let isFirst: Bool
        var hasTraffic = false
        /// The client's bytes not yet framed into a request.
        var clientBytes = ByteBuffer()
        var decoder = AMIDecoder(configuration: AMIDecoder.Configuration(
            expectsBanner: false, readsLegacyCommandBodies: false,
            maxLineBytes: 1024 * 1024, maxPacketBytes: 64 * 1024 * 1024))
        /// The server's text after its last line end.
        var serverRest = ""
        var serverRestSeconds: Double?
        /// The index of this connection's latest request in the transcript; nil before its first.
        var current: Int?

        init(isFirst: Bool) {
            self.isFirst = isFirst
        }

        mutating func take(_ traffic: AMITranscriptLine.Traffic, line: Int,
                           into transcript: inout ReplayTranscript) throws(FormatError) {
            hasTraffic = true
            switch traffic.direction {
            case .client:
                clientBytes.writeString(traffic.data)
                do {
                    while let message = try decoder.decode(buffer: &clientBytes) {
                        guard case .packet(let packet) = message else { continue }
                        transcript.requests.append(Request(headers: packet.headers, seconds: traffic.seconds, line: line))
                        current = transcript.requests.count - 1
                    }
                } catch {
                    throw FormatError(line: line, message: "the client's bytes are no AMI request: \(error)")
                }
                clientBytes.discardReadBytes()
            case .server:
                let text = serverRest + traffic.data
                // A CR at the very end waits for its LF (they make one character).
                if let lastNewline = text.lastIndex(where: { $0 == "\n" || $0 == "\r\n" }) {
                    let whole = String(text[...lastNewline])
                    serverRest = String(text[text.index(after: lastNewline)...])
                    add(Piece(text: whole, seconds: traffic.seconds), into: &transcript)
                } else {
                    serverRest = text
                }
                serverRestSeconds = traffic.seconds
            }
        }

        mutating func finish(into transcript: inout ReplayTranscript) {
            if !serverRest.isEmpty { add(Piece(text: serverRest, seconds: serverRestSeconds), into: &transcript) }
            serverRest = ""
        }

        private func add(_ piece: Piece, into transcript: inout ReplayTranscript) {
            if let current {
                transcript.requests[current].answer.append(piece)
            } else if isFirst {
                transcript.opening.append(piece)
            }
        }
    }
}
