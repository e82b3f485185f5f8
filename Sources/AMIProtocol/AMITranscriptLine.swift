/// One line of a recorded AMI session, in the JSON Lines format of the transcripts in
/// tests/fixtures/ami-transcripts (docs/testing.md has the whole format):
///
/// * traffic: `{"dir":"C","t":0.004,"data":"Action: Ping\r\n\r\n"}` — what the client (C)
///   or the server (S) wrote, `t` the seconds since the connection began (absent in the
///   older transcripts);
/// * a line without `"dir"`: about the recording — amiscript's `--record` writes one at the
///   start of each connection (`recorded_by`, `server`, `banner`, `time`). Readers of the
///   traffic skip it, so the older readers keep working.
///
/// `amiscript --record` writes these lines and `amisim --replay` reads them: the format
/// lives here, where both can reach it.
public enum AMITranscriptLine: Sendable, Equatable {
    case traffic(Traffic)
    case metadata([Field])

    public enum Direction: String, Sendable {
        case client = "C"
        case server = "S"
    }

    public struct Traffic: Sendable, Equatable {
        public var direction: Direction
        /// Seconds since the connection began; nil when the line has no `t`.
        public var seconds: Double?
        public var data: String

        public init(direction: Direction, seconds: Double?, data: String) {
            self.direction = direction
            self.seconds = seconds
            self.data = data
        }
    }

    /// A member of a metadata line whose value is a string (others are not kept).
    public struct Field: Sendable, Equatable {
        public var key: String
        public var value: String

        public init(_ key: String, _ value: String) {
            self.key = key
            self.value = value
        }
    }

    /// Why a line is not a transcript line.
    public struct FormatError: Error, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }

        public init(_ message: String) {
            self.message = message
        }
    }

    /// The line as JSON, without its line end. `t` is written in milliseconds' precision.
    public var jsonText: String {
        var text = "{"
        switch self {
        case .traffic(let traffic):
            text += "\"dir\":"
            JSONText.appendQuoted(traffic.direction.rawValue, to: &text)
            if let seconds = traffic.seconds {
                text += ",\"t\":" + Self.milliseconds(seconds)
            }
            text += ",\"data\":"
            JSONText.appendQuoted(traffic.data, to: &text)
        case .metadata(let fields):
            for (index, field) in fields.enumerated() {
                if index > 0 { text += "," }
                JSONText.appendQuoted(field.key, to: &text)
                text += ":"
                JSONText.appendQuoted(field.value, to: &text)
            }
        }
        return text + "}"
    }

    /// Reads one line. A line with `"dir"` must have `"dir"` "C" or "S", a string
    /// `"data"` and, when present, a number `"t"` of zero or more; any other object is
    /// metadata.
    public static func parse(_ line: String) throws(FormatError) -> AMITranscriptLine {
        let members: [(key: String, value: JSONText.Scalar)]
        do {
            members = try JSONText.objectMembers(line)
        } catch {
            throw FormatError(error.description)
        }
        func member(_ key: String) -> JSONText.Scalar? { members.last { $0.key == key }?.value }
        guard let dir = member("dir") else {
            return .metadata(members.compactMap { member in
                if case .string(let value) = member.value { return Field(member.key, value) }
                return nil
            })
        }
        guard case .string(let name) = dir, let direction = Direction(rawValue: name) else {
            throw FormatError("\"dir\" must be \"C\" or \"S\", not \(dir)")
        }
        guard let data = member("data") else { throw FormatError("a line with \"dir\" needs \"data\"") }
        guard case .string(let text) = data else { throw FormatError("\"data\" must be a string, not \(data)") }
        var seconds: Double?
        if let t = member("t") {
            guard case .number(let value) = t, value >= 0, value.isFinite else {
                throw FormatError("\"t\" must be a number of seconds, zero or more, not \(t)")
            }
            seconds = value
        }
        return .traffic(Traffic(direction: direction, seconds: seconds, data: text))
    }

    /// `12.345`: seconds to the millisecond, without Foundation's formatting.
    static func milliseconds(_ seconds: Double) -> String {
        // Capped (about 31,000 years) so that no value can overflow the conversion.
        let total = Int((min(max(0, seconds), 1e12) * 1000).rounded())
        let fraction = String(total % 1000)
        return "\(total / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
