import NIOCore

/// One AMI packet: header lines ended by an empty line.
///
/// Headers keep their order, their repeats (`Output:` once per line) and the case of their
/// names. Lines that are not headers — legacy `Command` output between `Response: Follows`
/// and `--END COMMAND--`, or a text-only packet — are kept in order in `body`.
/// `raw` holds the exact bytes received for the packet, terminator included, and
/// `streamRange` says where they sit in the connection's byte stream (the text-level
/// `expect` of the language uses it to take a consumed response out of its buffer).
public struct AMIPacket: Sendable, Hashable, CustomStringConvertible {
    public var headers: [AMIHeader]
    public var body: [String]
    public var raw: ByteBuffer
    public var streamRange: Range<Int64>

    public init(
        headers: [AMIHeader],
        body: [String] = [],
        raw: ByteBuffer = ByteBuffer(),
        streamRange: Range<Int64> = 0..<0
    ) {
        self.headers = headers
        self.body = body
        self.raw = raw
        self.streamRange = streamRange
    }

    /// The classification of PROTOCOL.md item 7: the first of `Event`, `Response`, `Action`.
    public var kind: AMIPacketKind {
        for header in headers {
            if header.hasName("Event") { return .event }
            if header.hasName("Response") { return .response }
            if header.hasName("Action") { return .action }
        }
        return headers.isEmpty ? .textOnly : .unclassified
    }

    /// The value of the first header with this name (case-insensitive), or nil.
    public subscript(name: String) -> String? {
        headers.first(where: { $0.hasName(name) })?.value
    }

    /// Every value of the headers with this name, in the order received.
    public func values(_ name: String) -> [String] {
        headers.filter { $0.hasName(name) }.map(\.value)
    }

    public var actionID: String? { self["ActionID"] }
    public var eventName: String? { kind == .event ? self["Event"] : nil }
    public var response: String? { self["Response"] }

    /// True for `Response: Error` (the form every failed action takes).
    public var isError: Bool {
        guard let response else { return false }
        return AMIHeader.namesEqual(response, "Error")
    }

    /// The command output this packet carries: the legacy body lines of `Response: Follows`,
    /// or the modern `Output:` headers, the same text either way.
    public var commandOutput: [String] {
        if let response, AMIHeader.namesEqual(response, "Follows") { return body }
        return values("Output")
    }

    /// The packet as wire text (CR LF line ends, empty line at the end); for a decoded
    /// packet, what it means rather than byte-for-byte what came (see `raw` for that).
    public var wireText: String {
        var text = ""
        for header in headers { text += "\(header.name): \(header.value)\r\n" }
        for line in body { text += line + "\r\n" }
        if let response, AMIHeader.namesEqual(response, "Follows") {
            text += "--END COMMAND--\r\n"
        }
        return text + "\r\n"
    }

    public var description: String { wireText }

    // Two packets are equal when they mean the same; where they came from in a stream
    // (raw bytes, offsets) does not enter into it.
    public static func == (lhs: AMIPacket, rhs: AMIPacket) -> Bool {
        lhs.headers == rhs.headers && lhs.body == rhs.body
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(headers)
        hasher.combine(body)
    }
}
