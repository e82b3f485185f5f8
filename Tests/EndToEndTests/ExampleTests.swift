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

    private func run(_ example: String, _ arguments: [String] = [], environment: [String: String] = [:]) throws -> BuiltBinary.Result {
        let path = Transcripts.projectDirectory.appendingPathComponent("examples/\(example)").path
        return try BuiltBinary.run("amiscript", [path] + arguments, environment: environment.merging(["AMI_PORT": "\(simulator.port)"]) { $1 })
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

    /// mailbox-report.ami: boxes from a file (comments, blanks, a repeat), a table, and an
    /// alert program run once for the box over the limit, with its arguments as given.
    func testMailboxReport() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mailbox-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let list = directory.appendingPathComponent("boxes").path
        try "# the boxes\n200@default\n123@default   # the seed's box\n\n1234@default\n200@default\n".write(toFile: list, atomically: true, encoding: .utf8)
        let alerts = directory.appendingPathComponent("alerts").path
        let alert = directory.appendingPathComponent("alert.sh").path
        try "#!/bin/sh\nprintf '%s|' \"$@\" >> '\(alerts)'\necho >> '\(alerts)'\n".write(toFile: alert, atomically: true, encoding: .utf8)
        XCTAssertEqual(chmod(alert, 0o755), 0)
        let credentials = ["AMI_USERNAME": "admin", "AMI_SECRET": "secret5"]

        let report = try run("mailbox-report.ami", [list, "2", alert], environment: credentials)
        let lines = report.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertTrue(lines[0].range(of: #"^Voicemail, \d{4}-\d\d-\d\d \d\d:\d\d$"#, options: .regularExpression) != nil, lines[0])
        XCTAssertEqual(Array(lines.dropFirst()), [
            "Mailbox                    New   Old",
            "200@default                  3     2  over the limit",
            "123@default                  0     0",
            "1234@default                 0     0",
            "total                        3     2",
            "alert sent: 200@default",
            "",
        ])
        XCTAssertEqual(report.status, 1, report.stderr)
        XCTAssertEqual(try String(contentsOfFile: alerts, encoding: .utf8), "200@default|3|2|\n")

        let calm = try run("mailbox-report.ami", [list, "3", alert], environment: credentials)
        XCTAssertEqual(calm.status, 0, calm.stderr)
        XCTAssertFalse(calm.stdout.contains("over the limit"))

        let failing = try run("mailbox-report.ami", [list, "1", "/bin/false"], environment: credentials)
        XCTAssertEqual(failing.status, 2)
        XCTAssertEqual(failing.stderr, "alert for 200@default failed (status 1): \n")

        let missing = try run("mailbox-report.ami", [list, "1", directory.appendingPathComponent("nothing").path], environment: credentials)
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.hasPrefix("alert for 200@default failed (status 127): "), missing.stderr)

        try "200@default\nnot a box\n".write(toFile: list, atomically: true, encoding: .utf8)
        let bad = try run("mailbox-report.ami", [list], environment: credentials)
        XCTAssertEqual(bad.status, 64)
        XCTAssertEqual(bad.stderr, "\(list):2: 'not a box' is not MAILBOX@CONTEXT\n")
        XCTAssertEqual(bad.stdout, "")

        let usage = try run("mailbox-report.ami", [list, "many"], environment: credentials)
        XCTAssertEqual(usage.status, 64)
        XCTAssertEqual(usage.stderr, "LIMIT must be a whole number, not 'many'\nusage: mailbox-report.ami FILE [LIMIT [ALERT-PROGRAM]]\n")
    }
}
