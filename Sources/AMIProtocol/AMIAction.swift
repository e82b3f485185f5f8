import NIOCore

/// A request to send: `Action: NAME`, then the headers in the order given.
public struct AMIAction: Sendable, Hashable {
    public var name: String
    public var headers: [AMIHeader]

    public init(_ name: String, _ headers: [AMIHeader] = []) {
        self.name = name
        self.headers = headers
    }

    public init(_ name: String, _ pairs: KeyValuePairs<String, String>) {
        self.init(name, pairs.map { AMIHeader($0.key, $0.value) })
    }

    /// The ActionID this action carries, if the caller set one.
    public var actionID: String? {
        headers.first(where: { $0.hasName("ActionID") })?.value
    }

    /// The action with its ActionID set (replacing any), placed right after `Action:` as
    /// Asterisk's own clients do.
    public func with(actionID: String) -> AMIAction {
        var copy = self
        copy.headers.removeAll { $0.hasName("ActionID") }
        copy.headers.insert(AMIHeader("ActionID", actionID), at: 0)
        return copy
    }
}

/// Why an action cannot be put on the wire.
public enum AMIEncodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A line break inside a name or value would end the header (or the packet) early
    /// and let the rest be read as other headers.
    case lineBreak(header: String)
    case invalidName(String)
    /// Asterisk rejects requests of more than 128 lines (PROTOCOL.md item 13).
    case tooManyLines(Int)

    public var description: String {
        switch self {
        case .lineBreak(let header): return "header \(header) contains a line break"
        case .invalidName(let name): return "'\(name)' is not a valid header name"
        case .tooManyLines(let count): return "action has \(count) lines; Asterisk accepts at most \(AMIEncoder.maxLines)"
        }
    }
}

/// Writes actions as AMI wants them: CR LF line ends and an empty line at the end.
public enum AMIEncoder {
    /// AST_MAX_MANHEADERS in Asterisk's manager.h.
    public static let maxLines = 128

    public static func encode(_ action: AMIAction, into buffer: inout ByteBuffer) throws {
        try validateName(action.name, header: "Action")
        if action.name.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) {
            throw AMIEncodingError.lineBreak(header: "Action")
        }
        let lines = action.headers.count + 1
        if lines > maxLines { throw AMIEncodingError.tooManyLines(lines) }
        for header in action.headers {
            try validateName(header.name, header: header.name)
            if header.value.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) {
                throw AMIEncodingError.lineBreak(header: header.name)
            }
        }
        buffer.writeString("Action: ")
        buffer.writeString(action.name)
        buffer.writeString("\r\n")
        for header in action.headers {
            buffer.writeString(header.name)
            buffer.writeString(": ")
            buffer.writeString(header.value)
            buffer.writeString("\r\n")
        }
        buffer.writeString("\r\n")
    }

    public static func encode(_ action: AMIAction) throws -> ByteBuffer {
        // The exact size, so the buffer is allocated once and never grown.
        var size = "Action: \r\n\r\n".utf8.count + action.name.utf8.count
        for header in action.headers { size += header.name.utf8.count + header.value.utf8.count + 4 }
        var buffer = ByteBufferAllocator().buffer(capacity: size)
        try encode(action, into: &buffer)
        return buffer
    }

    private static func validateName(_ name: String, header: String) throws {
        guard !name.isEmpty else { throw AMIEncodingError.invalidName(name) }
        for byte in name.utf8 where byte == UInt8(ascii: ":") || byte < 0x21 || byte == 0x7F {
            if byte == 0x0A || byte == 0x0D { throw AMIEncodingError.lineBreak(header: header) }
            throw AMIEncodingError.invalidName(name)
        }
    }
}

/// `AMIEncoder` as a NIO handler, for pipelines that write `AMIAction`s.
public struct AMIActionEncoder: MessageToByteEncoder {
    public typealias OutboundIn = AMIAction
    public init() {}
    public func encode(data: AMIAction, out: inout ByteBuffer) throws {
        try AMIEncoder.encode(data, into: &out)
    }
}
