import AMIProtocol
import NIOCore
import NIOEmbedded
import XCTest

/// Feeds bytes to an `AMIDecoder` through a real NIO pipeline (`EmbeddedChannel` +
/// `ByteToMessageHandler`), in chunks of the given size, and collects what comes out.
func decodeThroughPipeline(
    _ bytes: [UInt8],
    chunkSize: Int,
    configuration: AMIDecoder.Configuration = .client,
    file: StaticString = #filePath, line: UInt = #line
) throws -> [AMIMessage] {
    let channel = EmbeddedChannel(handler: ByteToMessageHandler(AMIDecoder(configuration: configuration)))
    var messages: [AMIMessage] = []
    var offset = 0
    while offset < bytes.count {
        let end = min(bytes.count, offset + chunkSize)
        try channel.writeInbound(ByteBuffer(bytes: bytes[offset..<end]))
        while let message = try channel.readInbound(as: AMIMessage.self) { messages.append(message) }
        offset = end
    }
    _ = try channel.finish()
    while let message = try channel.readInbound(as: AMIMessage.self) { messages.append(message) }
    return messages
}

/// The same with the decoder alone (no pipeline), everything at once, end of stream included.
func decodeAtOnce(_ bytes: [UInt8], configuration: AMIDecoder.Configuration = .client) throws -> [AMIMessage] {
    var decoder = AMIDecoder(configuration: configuration)
    var buffer = ByteBuffer(bytes: bytes)
    var messages: [AMIMessage] = []
    while let message = try decoder.decode(buffer: &buffer) { messages.append(message) }
    while let message = try decoder.decodeLast(buffer: &buffer, seenEOF: true) { messages.append(message) }
    return messages
}

func packets(_ messages: [AMIMessage]) -> [AMIPacket] {
    messages.compactMap(\.packet)
}

func decode(_ text: String, configuration: AMIDecoder.Configuration = .client) throws -> [AMIMessage] {
    try decodeAtOnce(Array(text.utf8), configuration: configuration)
}
