import AMITestSupport
import Foundation
import XCTest

/// The built `amisim` and `amiscript` run as a user runs them: output, errors, exit codes.
final class BinaryTests: XCTestCase {
    func testAmisimAnswersTheSeedsTelnetSessionAndStopsOnSIGTERM() throws {
        let simulator = try BuiltBinary.Simulator()
        let socket = try RawSocket(port: simulator.port)
        socket.read(timeout: 5) { String(decoding: $0, as: UTF8.self).hasSuffix("\r\n") }
        XCTAssertEqual(String(decoding: socket.take(), as: UTF8.self), "Asterisk Call Manager/13.0.0\r\n")
        // Typed as in the seed: telnet turns each line end into CR LF; bare LF works too.
        socket.send("Action: Login\nActionID: 1\nUsername: admin\nSecret: secret5\n\n")
        socket.read(timeout: 5) { String(decoding: $0, as: UTF8.self).hasSuffix("\r\n\r\n") && String(decoding: $0, as: UTF8.self).contains("SuccessfulAuth") }
        XCTAssertTrue(String(decoding: socket.take(), as: UTF8.self)
            .hasPrefix("Response: Success\r\nActionID: 1\r\nMessage: Authentication accepted\r\n\r\nEvent: FullyBooted\r\n"))
        XCTAssertEqual(simulator.stop(), 0, "SIGTERM stops amisim cleanly")
    }

    func testAmisimRejectsAnUnknownFault() throws {
        let result = try BuiltBinary.run("amisim", ["--fault", "nonsense"])
        XCTAssertEqual(result.status, 64)
        XCTAssertTrue(result.stderr.contains("unknown fault 'nonsense'"), result.stderr)
    }

    func testAmisimReadsAManagerConf() throws {
        let conf = FileManager.default.temporaryDirectory.appendingPathComponent("amisim-\(getpid()).conf")
        try "[ops]\nsecret = pw\nread = all\nwrite = all\n".write(to: conf, atomically: true, encoding: .utf8)
        let simulator = try BuiltBinary.Simulator(["--manager-conf", conf.path])
        defer { _ = simulator.stop() }
        let packets = "Action: Login\nUsername: ops\nSecret: pw\nEvents: off\n\nAction: Logoff\n\n"
        let result = try BuiltBinary.run("amiscript", ["-"], environment: ["AMI_PORT": "\(simulator.port)"], stdin: packets)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("Authentication accepted"), result.stdout)
    }

    func testPacketRunnerOnTheEmbeddedSimulator() throws {
        let file = Transcripts.projectDirectory.appendingPathComponent("examples/vmcount-packets.txt").path
        let result = try BuiltBinary.run("amiscript", ["--sim", file])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, """
            Asterisk Call Manager/13.0.0
            Response: Success
            Message: Authentication accepted

            Response: Success
            Message: Mailbox Message Count
            Mailbox: 123@default
            UrgMessages: 0
            NewMessages: 0
            OldMessages: 0

            Response: Goodbye
            Message: Thanks for all the fish.


            """)
        XCTAssertEqual(result.stderr, "")
    }

    func testPacketRunnerExitCodes() throws {
        let simulator = try BuiltBinary.Simulator(["--auth-fail-delay", "0"])
        defer { _ = simulator.stop() }
        let env = ["AMI_PORT": "\(simulator.port)"]
        let bad = try BuiltBinary.run("amiscript", ["--trace", "-"], environment: env,
                                      stdin: "Action: Login\nUsername: admin\nSecret: wrong\n\n")
        XCTAssertEqual(bad.status, 77)
        XCTAssertEqual(bad.stderr.components(separatedBy: "\n").filter { $0.hasPrefix("amiscript:") }, ["amiscript: login failed: Authentication failed"])
        XCTAssertTrue(bad.stderr.contains(">> Secret: ********"), bad.stderr)
        XCTAssertFalse(bad.stderr.contains("wrong"), "the secret never reaches the trace")

        let refused = try BuiltBinary.run("amiscript", ["-"], environment: ["AMI_PORT": "1"], stdin: "Action: Ping\n\n")
        XCTAssertEqual(refused.status, 69)
        XCTAssertEqual(refused.stderr, "amiscript: cannot connect to 127.0.0.1:1: connection refused\n")

        let empty = try BuiltBinary.run("amiscript", ["-"], environment: env, stdin: "# nothing\n")
        XCTAssertEqual(empty.status, 65)

        let usage = try BuiltBinary.run("amiscript", ["--timeout"])
        XCTAssertEqual(usage.status, 64)
    }

    func testStallGivesTimeoutExitCode() throws {
        let simulator = try BuiltBinary.Simulator(["--fault", "stall"])
        defer { _ = simulator.stop() }
        let result = try BuiltBinary.run("amiscript", ["--timeout", "0.5", "-"], environment: ["AMI_PORT": "\(simulator.port)"],
                                         stdin: "Action: Ping\n\n")
        XCTAssertEqual(result.status, 124)
        XCTAssertEqual(result.stderr, "amiscript: timed out after 0.5s waiting for a response\n")
    }
}
