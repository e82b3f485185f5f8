import NIOCore

/// One AMI packet: header lines ended by an empty line.
///
/// Headers keep their order, their repeats (`Output:` once per line) and the case of their
/// names. Lines that are not headers — legacy `Command` output between `Response: Follows`
/// and `--END COMMAND--`, or a text-only packet — are kept in order in `body`.
/// `raw` holds the exact bytes received for the packet, terminator included, and
/// `streamRange` says where they sit in the connection's byte stream (the text-level
/// `expect` of the language uses it to take a consumed response out of its buffer).
///
/// A decoded packet reads its headers from `raw` the first time they are asked for:
/// framing a flood of events costs no string building until someone looks at them.
public struct AMIPacket: Sendable, Hashable, CustomStringConvertible {
    private var contents: Contents
    public var raw: ByteBuffer
    public var streamRange: Range<Int64>

    private enum Contents: Sendable {
        case parsed(headers: [AMIHeader], body: [String])
        /// Framed by the decoder: the lines are read from `raw` when asked for. Nothing
        /// is cached, so a packet costs one buffer reference and no allocation; code that
        /// reads many fields of one packet should take `headers` once.
        case framed(readsLegacyCommandBodies: Bool)
    }

    public init(
        headers: [AMIHeader],
        body: [String] = [],
        raw: ByteBuffer = ByteBuffer(),
        streamRange: Range<Int64> = 0..<0
    ) {
        self.contents = .parsed(headers: headers, body: body)
        self.raw = raw
        self.streamRange = streamRange
    }

    /// A framed packet whose lines are read on first use.
    init(raw: ByteBuffer, streamRange: Range<Int64>, readsLegacyCommandBodies: Bool) {
        self.contents = .framed(readsLegacyCommandBodies: readsLegacyCommandBodies)
        self.raw = raw
        self.streamRange = streamRange
    }

    private var parsed: (headers: [AMIHeader], body: [String]) {
        switch contents {
        case .parsed(let headers, let body): return (headers, body)
        case .framed(let legacy): return AMIPacketParser.parse(raw, readsLegacyCommandBodies: legacy)
        }
    }

    public var headers: [AMIHeader] {
        get { parsed.headers }
        set { contents = .parsed(headers: newValue, body: parsed.body) }
    }

    public var body: [String] {
        get { parsed.body }
        set { contents = .parsed(headers: parsed.headers, body: newValue) }
    }

    /// The classification of PROTOCOL.md item 7: the first of `Event`, `Response`, `Action`.
    /// A decoded packet answers from its first line when that settles it (nearly always),
    /// without reading the rest.
    public var kind: AMIPacketKind {
        if case .framed = contents, let fast = firstLineKind { return fast }
        for header in headers {
            if header.hasName("Event") { return .event }
            if header.hasName("Response") { return .response }
            if header.hasName("Action") { return .action }
        }
        return headers.isEmpty ? .textOnly : .unclassified
    }

    private var firstLineKind: AMIPacketKind? {
        raw.withUnsafeReadableBytes { bytes -> AMIPacketKind? in
            var end = 0
            while end < bytes.count, bytes[end] != 0x0A, bytes[end] != 0x0D { end += 1 }
            let line = UnsafeRawBufferPointer(rebasing: bytes[..<end])
            guard let colon = AMIPacketParser.nameEnd(line) else { return nil }
            func named(_ name: StaticString) -> Bool {
                guard colon == name.utf8CodeUnitCount else { return false }
                for index in 0..<colon where AMIHeader.asciiLower(line[index]) != AMIHeader.asciiLower(name.utf8Start[index]) {
                    return false
                }
                return true
            }
            if named("Event") { return .event }
            if named("Response") { return .response }
            if named("Action") { return .action }
            return nil
        }
    }

    /// The value of the first header with this name (case-insensitive), or nil.
    public subscript(name: String) -> String? {
        if case .framed(let legacy) = contents {
            switch AMIPacketParser.firstValue(named: name, in: raw, readsLegacyCommandBodies: legacy) {
            case .found(let value): return value
            case .absent: return nil
            case .needsParse: break
            }
        }
        return headers.first(where: { $0.hasName(name) })?.value
    }

    /// The headers, read into a packet that keeps them (for code that looks at many fields).
    public var parsedCopy: AMIPacket {
        var copy = self
        let (headers, body) = parsed
        copy.contents = .parsed(headers: headers, body: body)
        return copy
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
