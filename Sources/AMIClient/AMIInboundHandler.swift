import AMIProtocol
import NIOCore
import NIOSSL

/// The one handler of a client pipeline: hands every received chunk to the inbox as
/// bytes, decodes it, and hands over the decoded messages after it, so the raw text and
/// the packets reach the reader in one order.
final class AMIInboundHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let inbox: AMIInbox
    private var decoder: AMIDecoder
    /// The start of a packet that the last read ended inside.
    private var leftover: ByteBuffer?
    private var failed = false

    private let tap: (@Sendable (ByteBuffer) -> Void)?

    init(inbox: AMIInbox, decoder: AMIDecoder, tap: (@Sendable (ByteBuffer) -> Void)? = nil) {
        self.tap = tap
        self.inbox = inbox
        self.decoder = decoder
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !failed else { return }
        let buffer = unwrapInboundIn(data)
        tap?(buffer)
        var items: [AMIInbound] = []
        items.reserveCapacity(3)
        // The decoder owns the stream position: what it framed, plus what waits unframed.
        let streamOffset = decoder.framedBytes + Int64(leftover?.readableBytes ?? 0)
        items.append(.bytes(AMIReceivedChunk(buffer, streamOffset: streamOffset)))
        do {
            try decode(buffer) { items.append($0) }
        } catch {
            inbox.append(contentsOf: items)
            fail(context: context, error: error)
            return
        }
        inbox.append(contentsOf: items)
    }

    /// Decodes a read. The packet a previous read ended inside is completed from this
    /// read's first bytes only; the rest is framed in place, without copying the read
    /// into an accumulation buffer (what NIO's generic processor would do), and its
    /// packets go out as one run.
    private func decode(_ read: ByteBuffer, _ emit: (AMIInbound) -> Void) throws {
        var buffer = read
        if var partial = leftover {
            leftover = nil
            if decoder.isInsideOrdinaryPacket, let end = Self.packetEnd(after: partial, in: read) {
                partial.writeImmutableBuffer(read.getSlice(at: read.readerIndex, length: end)!)
                while let message = try decoder.decode(buffer: &partial) { emit(Self.inbound(message)) }
                if partial.readableBytes == 0 {
                    buffer.moveReaderIndex(forwardBy: end)
                } else {
                    // Not what the quick look expected: take the slow, certain way.
                    partial.writeImmutableBuffer(buffer.getSlice(at: buffer.readerIndex + end, length: buffer.readableBytes - end)!)
                    buffer = partial
                }
            } else {
                partial.writeImmutableBuffer(read)
                buffer = partial
            }
        }
        try frameInPlace(&buffer, emit)
        if buffer.readableBytes > 0 {
            // Own the partial packet: a fresh small buffer, so the read's storage is not
            // kept alive (or grown) by it.
            var copy = ByteBufferAllocator().buffer(capacity: buffer.readableBytes + 4096)
            copy.writeImmutableBuffer(buffer)
            leftover = copy
        }
    }

    /// Frames every whole packet in `buffer`: one run for them (a banner, which only
    /// comes first, goes out as a message of its own). On an error, the packets framed
    /// before it still go out.
    private func frameInPlace(_ buffer: inout ByteBuffer, _ emit: (AMIInbound) -> Void) throws {
        // Room for every packet the read may hold (events run about 150 bytes).
        var run = AMIRunBuilder(bytes: buffer, readsLegacyCommandBodies: decoder.configuration.readsLegacyCommandBodies,
                                expectedCount: buffer.readableBytes / 100)
        defer { if let packets = run.take() { emit(.packets(packets)) } }
        while let frame = try decoder.nextFrame(buffer: &buffer) {
            switch frame {
            case .packet(let index, let length, let streamStart):
                run.append(index: index, length: length, streamStart: streamStart)
            case .banner(let text):
                if let packets = run.take() { emit(.packets(packets)) }
                emit(.banner(text))
            }
        }
    }

    private static func inbound(_ message: AMIMessage) -> AMIInbound {
        switch message {
        case .banner(let text): return .banner(text)
        case .packet(let packet): return .packets(AMIPacketRun([packet]))
        }
    }

    /// Where (in `read`) the empty line ending the packet begun in `partial` ends: a line
    /// end followed by an empty line, possibly across the two buffers.
    static func packetEnd(after partial: ByteBuffer, in read: ByteBuffer) -> Int? {
        let tail = partial.readableBytesView.suffix(3)
        return read.withUnsafeReadableBytes { bytes -> Int? in
            // Look at the last bytes of the partial packet, then at the read.
            func byte(_ index: Int) -> UInt8? {
                if index < 0 {
                    let position = tail.endIndex + index
                    return position >= tail.startIndex ? tail[position] : nil
                }
                return index < bytes.count ? bytes[index] : nil
            }
            var index = -tail.count
            while index < bytes.count {
                if byte(index) == 0x0A {
                    if byte(index + 1) == 0x0A, index + 2 > 0 { return index + 2 }
                    if byte(index + 1) == 0x0D, byte(index + 2) == 0x0A, index + 3 > 0 { return index + 3 }
                }
                index += 1
            }
            return nil
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !failed {
            do {
                var rest = leftover ?? ByteBuffer()
                leftover = nil
                while let message = try decoder.decodeLast(buffer: &rest, seenEOF: true) {
                    inbox.append(Self.inbound(message))
                }
                inbox.finish(.closedByServer)
            } catch {
                fail(context: context, error: error)
            }
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        fail(context: context, error: error)
    }

    private func fail(context: ChannelHandlerContext, error: Error) {
        guard !failed else { return }
        failed = true
        if let decoding = error as? AMIDecodingError {
            inbox.finish(.protocolError(decoding))
        } else if error is NIOSSLError || error is BoringSSLError {
            inbox.finish(.failed(Self.describeTLS(error)))
        } else if let io = error as? IOError {
            inbox.finish(.failed(Self.describe(io)))
        } else {
            inbox.finish(.failed("\(error)"))
        }
        context.close(promise: nil)
    }

    static func describeTLS(_ error: Error) -> String {
        let text = "\(error)"
        if text.contains("CERTIFICATE_VERIFY_FAILED") {
            return "TLS certificate verification failed (AMI_TLS_CA=FILE trusts a certificate; AMI_TLS_VERIFY=0 accepts any)"
        }
        if text.contains("WRONG_VERSION_NUMBER") || text.contains("PACKET_LENGTH_TOO_LONG") {
            return "TLS handshake failed: the server does not speak TLS on this port"
        }
        return "TLS handshake failed: \(text)"
    }

    static func describe(_ error: IOError) -> String {
        switch error.errnoCode {
        case ECONNRESET: return "connection reset by peer"
        case ECONNREFUSED: return "connection refused"
        case EPIPE: return "broken pipe"
        default: return String(cString: strerror(error.errnoCode))
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
