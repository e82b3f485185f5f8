import AMIProtocol
import AMIScriptLanguage
import AMIScriptSession
import Foundation
import NIOCore
import NIOPosix
import XCTest

/// `--record`'s file: its JSON lines, its metadata, the characters cut between reads, its
/// mode, and above all no secret in it, however it was sent (issue 9's `--record` test).
final class SessionRecorderTests: XCTestCase {
    private var path = ""

    override func setUp() {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("record-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).jsonl").path
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Each line read by Foundation's reader, independently of ours.
    private func objects() throws -> [[String: Any]] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(text.hasSuffix("\n"))
        return try text.split(separator: "\n").map { row in
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data(row.utf8)) as? [String: Any], String(row))
        }
    }

    func testLinesMetadataTimesAndMode() throws {
        let recorder = try SessionRecorder(path: path, recordedBy: "amiscript 9.9.9")
        recorder.beginConnection(server: "127.0.0.1:5038")
        recorder.record(.received, Array("Asterisk Call Manager/13.0.0\r\n".utf8))
        recorder.connectionEstablished(banner: "Asterisk Call Manager/13.0.0")
        recorder.record(.sent, Array("Action: Ping\r\n\r\n".utf8))
        // "€" is E2 82 AC: cut after its first two bytes, it is held back and written whole.
        let euro = Array("Message: 5 €\r\n\r\n".utf8)
        let cut = euro.firstIndex(of: 0xE2)! + 2
        recorder.record(.received, Array(euro[..<cut]))
        recorder.record(.received, Array(euro[cut...]))
        recorder.record(.received, [0xE2])
        recorder.endConnection()
        recorder.beginConnection(server: "127.0.0.1:5039")
        recorder.connectionFailed()  // nothing came: nothing is written
        recorder.close()

        var status = stat()
        XCTAssertEqual(stat(path, &status), 0)
        XCTAssertEqual(status.st_mode & 0o777, 0o600)

        let lines = try objects()
        XCTAssertEqual(lines.count, 6, "\(lines)")
        XCTAssertEqual(Array(lines[0].keys).sorted(), ["banner", "recorded_by", "server", "time"])
        XCTAssertEqual(lines[0]["recorded_by"] as? String, "amiscript 9.9.9")
        XCTAssertEqual(lines[0]["server"] as? String, "127.0.0.1:5038")
        XCTAssertEqual(lines[0]["banner"] as? String, "Asterisk Call Manager/13.0.0")
        let time = try XCTUnwrap(lines[0]["time"] as? String)
        XCTAssertNotNil(time.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"#, options: .regularExpression), time)
        XCTAssertEqual(lines.dropFirst().map { $0["dir"] as? String }, ["S", "C", "S", "S", "S"])
        XCTAssertEqual(lines.dropFirst().map { $0["data"] as? String },
                       ["Asterisk Call Manager/13.0.0\r\n", "Action: Ping\r\n\r\n", "Message: 5 ", "€\r\n\r\n", "\u{FFFD}"])
        let times = lines.dropFirst().compactMap { $0["t"] as? Double }
        XCTAssertEqual(times.count, 5)
        XCTAssertEqual(times, times.sorted())
        XCTAssertLessThan(times.last!, 5)
        // The first line of the raw file is the metadata line, in the documented order.
        let first = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")[0]
        XCTAssertTrue(first.hasPrefix(#"{"recorded_by":"amiscript 9.9.9","server":"127.0.0.1:5038","banner":"#), String(first))
    }

    func testAFileThatCannotBeCreatedIsAnError() {
        XCTAssertThrowsError(try SessionRecorder(path: "/nonexistent-dir/x.jsonl", recordedBy: "t")) { error in
            XCTAssertEqual((error as? SessionRecorder.OpenError)?.reason, "No such file or directory")
        }
    }

    /// A manager that answers whatever comes: a fixed challenge, success, Goodbye.
    private final class AnsweringServer: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        static let challenge = "480133729"
        private var pending = ""

        func channelActive(context: ChannelHandlerContext) {
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "Asterisk Call Manager/13.0.0\r\n")), promise: nil)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            pending += String(buffer: unwrapInboundIn(data))
            while let end = pending.range(of: "\r\n\r\n") {
                let request = pending[..<end.lowerBound]
                pending = String(pending[end.upperBound...])
                let lines = request.split(separator: "\r\n")
                let id = lines.first { $0.hasPrefix("ActionID: ") }.map { "ActionID: \($0.dropFirst(10))\r\n" } ?? ""
                let answer: String
                if lines.contains("Action: Challenge") {
                    answer = "Response: Success\r\n\(id)Challenge: \(Self.challenge)\r\n\r\n"
                } else if lines.contains("Action: Logoff") {
                    answer = "Response: Goodbye\r\n\(id)Message: Thanks for all the fish.\r\n\r\n"
                } else {
                    answer = "Response: Success\r\n\(id)Message: Authentication accepted\r\n\r\n"
                }
                context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: answer)), promise: nil)
            }
        }
    }

    private final class Captured: ScriptOutput {
        var output = ""
        func writeOutput(_ text: String) { output += text }
        func writeError(_ text: String) { output += text }
        func readSecret(prompt: String) -> String? { nil }
    }

    /// A secret written by `send`, one given to `login`, and the MD5 key of `login … md5`
    /// never reach the file; the headers are there, masked.
    func testNoSecretReachesTheFile() async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(AnsweringServer()) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try XCTUnwrap(server.localAddress?.port)
        let source = SourceFile(name: "secrets.ami", text: """
            connect 127.0.0.1 \(port)
            send "Action: Login\\r\\nUsername: admin\\r\\nSecret: sent-by-send-1\\r\\n\\r\\n"
            expect "accepted"
            login admin "given-to-login-2" events off
            login admin "md5-secret-3" md5
            close
            """)
        let (script, diagnostics) = Parser.parse(source)
        XCTAssertEqual(diagnostics.count, 0)
        let recorder = try SessionRecorder(path: path, recordedBy: "amiscript test")
        let output = Captured()
        let interpreter = Interpreter(configuration: .init(scriptName: "secrets.ami", arguments: [], environment: [:]),
                                      session: AMIClientSession(trace: nil, recorder: recorder), output: output)
        let (code, error) = await interpreter.run(script.statements)
        XCTAssertEqual(code, 0, error?.diagnostic.description ?? output.output)
        await interpreter.finish()
        recorder.close()
        try await server.close()

        let text = try String(contentsOfFile: path, encoding: .utf8)
        let key = AMILogin.md5Key(challenge: AnsweringServer.challenge, secret: "md5-secret-3")
        for secret in ["sent-by-send-1", "given-to-login-2", "md5-secret-3", key] {
            XCTAssertFalse(text.contains(secret), "\(secret) is in the file:\n\(text)")
        }
        let sent = try objects().filter { $0["dir"] as? String == "C" }.compactMap { $0["data"] as? String }.joined()
        XCTAssertEqual(sent.components(separatedBy: "Secret: ********\r\n").count - 1, 2, sent)
        XCTAssertEqual(sent.components(separatedBy: "Key: ********\r\n").count - 1, 1, sent)
        XCTAssertTrue(sent.contains("Action: Challenge\r\n") && sent.contains("Action: Logoff\r\n"), sent)
        XCTAssertTrue(text.contains("Challenge: \(AnsweringServer.challenge)"), text)
    }
}
