import AMIClient
import AMIProtocol
import NIOCore
import NIOPosix
import XCTest

/// `perform` reads whole runs (the packets of one read) and looks for its ActionID inside
/// them: a response in the middle of a read of events must be found, and the events around
/// it left in the stream, in order, for the next reader.
final class ResponseInsideARunTests: XCTestCase {
    /// Answers every action with one write: `before` events, the response, `after` events.
    private final class OneWriteServer: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let before: Int
        let after: Int
        private var pending = ""
        private var answered = 0

        init(before: Int, after: Int) {
            self.before = before
            self.after = after
        }

        func channelActive(context: ChannelHandlerContext) {
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "Asterisk Call Manager/13.0.0\r\n")), promise: nil)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            pending += String(buffer: unwrapInboundIn(data))
            while let end = pending.range(of: "\r\n\r\n") {
                let request = pending[..<end.lowerBound]
                pending = String(pending[end.upperBound...])
                let id = request.split(separator: "\r\n").first { $0.hasPrefix("ActionID: ") }.map { String($0.dropFirst(10)) } ?? ""
                var text = ""
                for number in 0..<before { text += "Event: Tick\r\nN: \(answered)-\(number)\r\n\r\n" }
                text += "Response: Success\r\nActionID: \(id)\r\nPing: Pong\r\n\r\n"
                for number in before..<(before + after) { text += "Event: Tick\r\nN: \(answered)-\(number)\r\n\r\n" }
                answered += 1
                context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text)), promise: nil)
            }
        }
    }

    func testResponseInTheMiddleOfARead() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let server = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(OneWriteServer(before: 40, after: 25))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try XCTUnwrap(server.localAddress?.port)
        let connection = try await AMIConnection.connect(host: "127.0.0.1", port: port)
        for round in 0..<3 {
            let result = try await connection.perform(AMIAction("Ping"), timeout: .seconds(5))
            XCTAssertEqual(result.response["Ping"], "Pong")
            var events: [String] = []
            while events.count < 65 {
                if case .packets(let run) = try await connection.next(timeout: .seconds(5)) {
                    events += run.compactMap { $0["N"] }
                }
            }
            XCTAssertEqual(events, (0..<65).map { "\(round)-\($0)" }, "round \(round): the events around it, in order")
        }
        await connection.close()
        try await server.close()
    }
}
