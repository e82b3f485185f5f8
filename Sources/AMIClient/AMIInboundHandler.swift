import AMIProtocol
import NIOCore
import NIOSSL

/// The one handler of a client pipeline: hands every received chunk to the inbox as
/// bytes, decodes it, and hands over the decoded messages after it, so the raw text and
/// the packets reach the reader in one order.
final class AMIInboundHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let inbox: AMIInbox
    private var processor: NIOSingleStepByteToMessageProcessor<AMIDecoder>
    private var streamOffset: Int64 = 0
    private var failed = false

    private let tap: (@Sendable (ByteBuffer) -> Void)?

    init(inbox: AMIInbox, decoder: AMIDecoder, tap: (@Sendable (ByteBuffer) -> Void)? = nil) {
        self.tap = tap
        self.inbox = inbox
        self.processor = NIOSingleStepByteToMessageProcessor(decoder, maximumBufferSize: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !failed else { return }
        let buffer = unwrapInboundIn(data)
        tap?(buffer)
        var items: [AMIInbound] = []
        // Room for every packet a read may hold (events run about 150 bytes).
        items.reserveCapacity(1 + buffer.readableBytes / 100)
        items.append(.bytes(buffer, streamOffset: streamOffset))
        streamOffset += Int64(buffer.readableBytes)
        do {
            try processor.process(buffer: buffer) { message in
                items.append(.message(message))
            }
        } catch {
            inbox.append(contentsOf: items)
            fail(context: context, error: error)
            return
        }
        inbox.append(contentsOf: items)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !failed {
            do {
                try processor.finishProcessing(seenEOF: true) { message in
                    inbox.append(.message(message))
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
