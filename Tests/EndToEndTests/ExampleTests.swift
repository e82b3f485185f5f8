import AMITestSupport
import Foundation
import XCTest

/// Every script in examples/ runs against amisim with its output checked.
final class ExampleTests: XCTestCase {
    private var simulator: BuiltBinary.Simulator!

    override func setUpWithError() throws {
        simulator = try BuiltBinary.Simulator(["--call-seconds", "1"])
    }

    override func tearDown() {
        _ = simulator.stop()
    }

    private func run(_ example: String, _ arguments: [String] = []) throws -> BuiltBinary.Result {
        let path = Transcripts.projectDirectory.appendingPathComponent("examples/\(example)").path
        return try BuiltBinary.run("amiscript", [path] + arguments, environment: ["AMI_PORT": "\(simulator.port)"])
    }

    func testVmcount() throws {
        let result = try run("vmcount.ami", ["200@default"])
        XCTAssertEqual(result.stdout, "Mailbox: 200@default\nConnected.\nLogged in.\nNew messages: 3\nOld messages: 2\n")
        XCTAssertEqual(result.status, 0)
    }

    func testVmcount2() throws {
        let result = try run("vmcount2.ami", ["200@default"])
        XCTAssertEqual(result.stdout, "New messages: 3\nOld messages: 2\n")
        XCTAssertEqual(result.status, 0)
        let usage = try run("vmcount2.ami")
        XCTAssertEqual(usage.status, 64)
        XCTAssertEqual(usage.stderr, "usage: vmcount2.ami MAILBOX\n")
    }

    func testOriginateWaitsForTheHangup() throws {
        let result = try run("originate.ami")
        XCTAssertEqual(result.stdout, """
            originate queued: Originate successfully queued
            answered: Local/s@amitest-00000000;1
            hung up: cause 0 (Unknown)

            """)
        XCTAssertEqual(result.status, 0, result.stderr)
        let failed = try run("originate.ami", ["Local/s@nowhere"])
        XCTAssertEqual(failed.stdout, "originate queued: Originate successfully queued\ncall failed: reason 0\n")
        XCTAssertEqual(failed.status, 1)
    }

    func testChannelsDuringACall() throws {
        let call = try BuiltBinary.run("amiscript", ["-e", """
            connect; login admin secret5 events off
            action Originate Channel=Local/s@amitest Application=Wait Data=1 Async=true
            close
            """], environment: ["AMI_PORT": "\(simulator.port)"])
        XCTAssertEqual(call.status, 0, call.stderr)
        let result = try run("channels.ami")
        // The durations are the call's age: 00:00:00, or 00:00:01 on a busy machine.
        let stdout = result.stdout.replacingOccurrences(of: " 00:00:01\n", with: " 00:00:00\n")
        XCTAssertEqual(stdout, """
            Local/s@amitest-00000000;1 Up Wait(1) 00:00:00
            Local/s@amitest-00000000;2 Up Wait(2) 00:00:00
            2 active channel(s)

            """, result.stdout)
        XCTAssertEqual(result.status, 0, result.stderr)
    }

    func testCLICommand() throws {
        let result = try run("cli.ami", ["voicemail", "show", "users"])
        XCTAssertEqual(result.stdout.split(separator: "\n").last, "5 voicemail users configured.")
        XCTAssertEqual(result.status, 0)
        let unknown = try run("cli.ami", ["bogus"])
        XCTAssertEqual(unknown.stderr, "No such command 'bogus' (type 'core show help bogus' for other possible commands)\n")
        XCTAssertEqual(unknown.status, 1)
    }

    func testWatchEventsWithAFilter() throws {
        let result = try run("watch-events.ami", ["1", "^Fully"])
        XCTAssertEqual(result.stdout, "+0 FullyBooted\n1 event(s) in 1 s\n")
        XCTAssertEqual(result.status, 0, result.stderr)
    }

    func testWatchEventsStopsOnTimeWhileEventsKeepComingAndCountsEachOnce() throws {
        // Another client raises a UserEvent every 0.1 s for 4 s while the watcher runs for 1 s.
        let generator = Process()
        generator.executableURL = BuiltBinary.directory.appendingPathComponent("amiscript")
        generator.arguments = ["-e", """
            connect; login admin secret5 events off
            for i in 1..40 { action UserEvent UserEvent=Tick; sleep 0.1 }
            close
            """]
        generator.environment = ["AMI_PORT": "\(simulator.port)"]
        generator.standardOutput = FileHandle.nullDevice
        try generator.run()
        defer { generator.terminate(); generator.waitUntilExit() }
        Thread.sleep(forTimeInterval: 0.3)
        let started = Date()
        let result = try run("watch-events.ami", ["1"])
        let elapsed = Date().timeIntervalSince(started)
        XCTAssertEqual(result.status, 0, result.stderr)
        // exp_continue restarted the timer on every event: it ran as long as they came.
        XCTAssertLessThan(elapsed, 2.5, "watch-events.ami 1 must end after about 1 s, not when the events stop")
        let lines = result.stdout.split(separator: "\n")
        XCTAssertGreaterThan(lines.filter { $0.hasSuffix(" UserEvent") }.count, 3, result.stdout)
        // The `UserEvent: Tick` header is no event of its own (the regex matched it too).
        XCTAssertFalse(lines.contains { $0.hasSuffix(" Tick") }, result.stdout)
        XCTAssertEqual(lines.last, "\(lines.count - 1) event(s) in 1 s")
    }

    func testNagiosCheckRefusesThresholdsThatAreNoNumbers() throws {
        for arguments in [["200@default", "x", "y"], ["200@default", "5", "ten"], ["200@default", "-1", "3"], ["200@default", "5", "3"]] {
            let result = try run("check-mailbox.ami", arguments)
            XCTAssertEqual(result.status, 3, "\(arguments): \(result.stdout)")
            XCTAssertTrue(result.stdout.hasPrefix("UNKNOWN - "), "\(arguments): \(result.stdout)")
            XCTAssertTrue(result.stdout.contains("usage: check-mailbox.ami MAILBOX WARN CRIT"), "\(arguments): \(result.stdout)")
        }
    }

    func testNagiosCheckExitCodes() throws {
        let cases: [([String], String, Int32)] = [
            (["200@default", "5", "10"], "OK - 3 new messages in 200@default | new=3;5;10;0 old=2;;;0\n", 0),
            (["200@default", "2", "5"], "WARNING - 3 new messages in 200@default | new=3;2;5;0 old=2;;;0\n", 1),
            (["200@default", "1", "3"], "CRITICAL - 3 new messages in 200@default | new=3;1;3;0 old=2;;;0\n", 2),
            (["200@default"], "UNKNOWN - usage: check-mailbox.ami MAILBOX WARN CRIT (whole numbers, 0 <= WARN <= CRIT)\n", 3),
        ]
        for (arguments, output, code) in cases {
            let result = try run("check-mailbox.ami", arguments)
            XCTAssertEqual(result.stdout, output, "\(arguments)")
            XCTAssertEqual(result.status, code, "\(arguments)")
        }
        let down = try BuiltBinary.run("amiscript", [Transcripts.projectDirectory.appendingPathComponent("examples/check-mailbox.ami").path, "200@default", "1", "2"],
                                       environment: ["AMI_PORT": "1"])
        XCTAssertEqual(down.stdout, "UNKNOWN - cannot connect to the AMI\n")
        XCTAssertEqual(down.status, 3)
    }
}
