import NIOCore

/// Bytes as they were received, and where they sit in the connection's byte stream.
///
/// The text an Expect-style `expect` matches is made of these. The bytes are not copied
/// out of the read that brought them; a reader that does not use NIO looks at them through
/// `withUnsafeBytes`.
public struct AMIReceivedChunk: Sendable {
    /// The stream offset of the first byte (bytes received before it on the connection).
    public let streamOffset: Int64
    private let buffer: ByteBuffer

    public init(_ buffer: ByteBuffer, streamOffset: Int64) {
        self.buffer = buffer
        self.streamOffset = streamOffset
    }

    public init(_ bytes: [UInt8], streamOffset: Int64) {
        self.init(ByteBuffer(bytes: bytes), streamOffset: streamOffset)
    }

    public var count: Int { buffer.readableBytes }
    public var streamRange: Range<Int64> { streamOffset..<(streamOffset + Int64(count)) }
    public var byteBuffer: ByteBuffer { buffer }
    public var bytes: [UInt8] { Array(buffer.readableBytesView) }

    public func withUnsafeBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        try buffer.withUnsafeReadableBytes { try body($0.bindMemory(to: UInt8.self)) }
    }
}
