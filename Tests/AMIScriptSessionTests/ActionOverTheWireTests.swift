import AMIProtocol
import AMIScriptLanguage
import AMIScriptSession
import NIOCore
import NIOPosix
import XCTest

/// The interpreter's input pump over a real socket: an action's answer cut across reads,
/// between events, must leave the expect buffer with the events and nothing of the answer,
/// in the order the server sent them.
final class ActionOverTheWireTests: XCTestCase {
    /// Answers each action in three writes, a pause between them, so they arrive as three
    /// reads: events and the start of the response; the rest of it, a list event and the
    /// start of the list's end; the rest, and more events.
    private final class CuttingServer: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        private var pending = ""
        private var round = 0

        func channelActive(context: ChannelHandlerContext) {
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "Asterisk Call Manager/13.0.0\r\n")), promise: nil)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            pending += String(buffer: unwrapInboundIn(data))
            while let end = pending.range(of: "\r\n\r\n") {
                let request = pending[..<end.lowerBound]
                pending = String(pending[end.upperBound...])
                let id = request.split(separator: "\r\n").first { $0.hasPrefix("ActionID: ") }.map { String($0.dropFirst(10)) } ?? ""
                let r = round
                round += 1
                let answer = "Response: Success\r\nActionID: \(id)\r\nEventList: start\r\nMessage: Channel status will follow\r\n\r\n"
                    + "Event: Status\r\nActionID: \(id)\r\nChannel: SIP/\(r)\r\n\r\n"
                    + "Event: StatusComplete\r\nActionID: \(id)\r\nEventList: Complete\r\nListItems: 1\r\n\r\n"
                let listStart = answer.range(of: "Event: Status\r\n")!.lowerBound
                let completeStart = answer.range(of: "Event: StatusComplete")!.lowerBound
                let firstCut = answer.index(answer.startIndex, offsetBy: 30)
                let secondCut = answer.index(completeStart, offsetBy: 12)
                XCTAssertLessThan(firstCut, listStart)
                let pieces: [String] = [
                    "Event: Tick\r\nN: \(r)-1\r\n\r\n" + String(answer[..<firstCut]),
                    String(answer[firstCut..<secondCut]),
                    String(answer[secondCut...]) + "Event: Tick\r\nN: \(r)-2\r\n\r\n",
                ]
                let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
                for (index, piece) in pieces.enumerated() {
                    context.eventLoop.scheduleTask(in: .milliseconds(Int64(index) * 30)) {
                        bound.value.writeAndFlush(NIOAny(ByteBuffer(string: piece)), promise: nil)
                    }
                }
            }
        }
    }

    private final class Captured: ScriptOutput {
        var output = ""
        var error = ""
        func writeOutput(_ text: String) { output += text }
        func writeError(_ text: String) { error += text }
        func readSecret(prompt: String) -> String? { nil }
    }

    func testAnAnswerCutAcrossReadsLeavesOnlyTheEvents() async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(CuttingServer())
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try XCTUnwrap(server.localAddress?.port)
        let source = SourceFile(name: "cut.ami", text: """
            connect 127.0.0.1 \(port)
            for round in 0..2 {
                action Status
                print $events[0].Channel
                expect -timeout 2 "N: $round-2\\r\\n\\r\\n"
                print "[$before]"
            }
            """)
        let (script, diagnostics) = Parser.parse(source)
        XCTAssertEqual(diagnostics.count, 0)
        let output = Captured()
        let interpreter = Interpreter(configuration: .init(scriptName: "cut.ami", arguments: [], environment: [:]),
                                      session: AMIClientSession(trace: nil), output: output)
        let (code, error) = await interpreter.run(script.statements)
        XCTAssertEqual(code, 0, error?.diagnostic.description ?? "")
        let before = (0...2).map { "SIP/\($0)\n[Asterisk Call Manager/13.0.0\r\nEvent: Tick\r\nN: \($0)-1\r\n\r\nEvent: Tick\r\n]\n" }
        var expected = before.joined()
        // The banner stays in the stream once, at its start.
        for round in 1...2 {
            expected = expected.replacingOccurrences(of: "[Asterisk Call Manager/13.0.0\r\nEvent: Tick\r\nN: \(round)-1", with: "[Event: Tick\r\nN: \(round)-1")
        }
        XCTAssertEqual(output.output, expected)
        await interpreter.finish()
        try await server.close()
    }
}
