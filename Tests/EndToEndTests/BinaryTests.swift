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
        let result = try BuiltBinary.run("amiscript", ["-e", "connect; login ops pw events off; print $response.Message; close"],
                                         environment: ["AMI_PORT": "\(simulator.port)"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "Authentication accepted\n")
    }

    private var vmcount: String { Transcripts.projectDirectory.appendingPathComponent("examples/vmcount.ami").path }

    func testVmcountOnTheEmbeddedSimulator() throws {
        let result = try BuiltBinary.run("amiscript", ["--sim", vmcount, "123@default"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "Mailbox: 123@default\nConnected.\nLogged in.\nNew messages: 0\nOld messages: 0\n")
        XCTAssertEqual(result.stderr, "")
    }

    func testVmcountAsAShebangScript() throws {
        let simulator = try BuiltBinary.Simulator()
        defer { _ = simulator.stop() }
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let result = try BuiltBinary.run(
            "", ["200@default"],
            environment: ["AMI_PORT": "\(simulator.port)", "PATH": BuiltBinary.directory.path + ":" + path],
            executable: URL(fileURLWithPath: vmcount))
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "Mailbox: 200@default\nConnected.\nLogged in.\nNew messages: 3\nOld messages: 2\n")
    }

    func testScriptFromStdinWithDashAndFromAPipe() throws {
        let script = "print \"args:\" $argv\n"
        let dash = try BuiltBinary.run("amiscript", ["-", "a", "b"], stdin: script)
        XCTAssertEqual(dash.stdout, "args: [\"a\", \"b\"]\n")
        XCTAssertEqual(dash.status, 0)
        let piped = try BuiltBinary.run("amiscript", [], stdin: script)
        XCTAssertEqual(piped.stdout, "args: []\n", "a non-terminal stdin is the script")
    }

    func testInlineCodeCheckVersionHelpAndUsage() throws {
        let inline = try BuiltBinary.run("amiscript", ["-e", "print $argc $argv[0]", "x"])
        XCTAssertEqual(inline.stdout, "1 x\n")
        let check = try BuiltBinary.run("amiscript", ["--check", "-e", "set\nbogus"])
        XCTAssertEqual(check.status, 65)
        XCTAssertEqual(check.stderr, """
            -e:1:4: error: 'set' wants a variable name, found the end of the line
            set
               ^
            -e:2:1: error: unknown statement 'bogus'
            bogus
            ^
            2 errors

            """)
        let fine = try BuiltBinary.run("amiscript", ["--check", vmcount])
        XCTAssertEqual(fine.status, 0)
        XCTAssertEqual(fine.stdout + fine.stderr, "")
        let version = try BuiltBinary.run("amiscript", ["--version"])
        XCTAssertTrue(version.stdout.hasPrefix("amiscript "), version.stdout)
        let help = try BuiltBinary.run("amiscript", ["--help"])
        XCTAssertTrue(help.stdout.contains("--sim"), help.stdout)
        let usage = try BuiltBinary.run("amiscript", ["--timeout"])
        XCTAssertEqual(usage.status, 64)
        let missing = try BuiltBinary.run("amiscript", ["/nonexistent/script.ami"])
        XCTAssertEqual(missing.status, 64)
        XCTAssertEqual(missing.stderr, "amiscript: cannot read /nonexistent/script.ami: No such file or directory\n")
        let directory = try BuiltBinary.run("amiscript", ["/tmp"])
        XCTAssertEqual(directory.stderr, "amiscript: cannot read /tmp: Is a directory\n")
        XCTAssertEqual(directory.status, 64)
    }

    func testConnectToHostColonPortSuggestsTheBlank() throws {
        let result = try BuiltBinary.run("amiscript", ["-e", "connect 127.0.0.1:5038"])
        XCTAssertEqual(result.status, 69)
        XCTAssertTrue(result.stderr.contains("; the port goes after a blank: connect 127.0.0.1 5038\n"), result.stderr)
        let handled = try BuiltBinary.run("amiscript", ["-e", "connect 127.0.0.1:5038 else { print \"else\" }"])
        XCTAssertEqual(handled.stdout, "else\n")
        let ipv6 = try BuiltBinary.run("amiscript", ["-e", "connect ::1 1"])
        XCTAssertFalse(ipv6.stderr.contains("port goes after"), ipv6.stderr)
    }

    func testOptionValuesThatLookLikeOptions() throws {
        // `--timeout -1` waits forever; it was taken for an unknown option -1 (exit 64).
        let forever = try BuiltBinary.run("amiscript", ["--timeout", "-1", "-e", "print $timeout"])
        XCTAssertEqual(forever.stdout, "-1\n", forever.stderr)
        XCTAssertEqual(forever.status, 0)
        let joined = try BuiltBinary.run("amiscript", ["--timeout=2.5", "-e", "print $timeout"])
        XCTAssertEqual(joined.stdout, "2.5\n", joined.stderr)
        let code = try BuiltBinary.run("amiscript", ["-e", "-1"])
        XCTAssertEqual(code.stderr, "-e:1:1: error: expected a statement, found '-'\n-1\n^\n1 error\n", "-e takes the next word as CODE")
        // After the script, words belong to it even when they look like options.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("argv-\(getpid()).ami").path
        try "print $argv $timeout\n".write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let scripts = try BuiltBinary.run("amiscript", [file, "--timeout", "3", "--", "-x"])
        XCTAssertEqual(scripts.stdout, "[\"--timeout\", \"3\", \"--\", \"-x\"] 10\n")
        // After -e CODE, amiscript's options are read up to the first other word; `--`
        // ends them.
        let inline = try BuiltBinary.run("amiscript", ["-e", "print $argv $timeout", "--timeout", "3", "a", "--timeout", "4"])
        XCTAssertEqual(inline.stdout, "[\"a\", \"--timeout\", \"4\"] 3\n")
        let ended = try BuiltBinary.run("amiscript", ["-e", "print $argv", "--", "--timeout", "3"])
        XCTAssertEqual(ended.stdout, "[\"--timeout\", \"3\"]\n")
        let unknown = try BuiltBinary.run("amiscript", ["--bogus", file])
        XCTAssertEqual(unknown.status, 64)
        XCTAssertTrue(unknown.stderr.hasPrefix("Error: Unknown option '--bogus'\n"), unknown.stderr)
    }

    /// `amiscript SCRIPT ARGS` and `amiscript -e CODE ARGS` are read without
    /// swift-argument-parser (RunOptions.simpleCommandLine, for start-up time); an option in
    /// front sends the same command line through the full parser: both must agree.
    func testSimpleCommandLinesMeanWhatTheFullParserMakesOfThem() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("simple-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let script = folder.appendingPathComponent("argv.ami").path
        try "print $argv $timeout $argc\nexit $argc\n".write(toFile: script, atomically: true, encoding: .utf8)
        // A script named like the parser's words (`help`) is a script.
        let help = folder.appendingPathComponent("help").path
        try "print \"script named help\"\n".write(toFile: help, atomically: true, encoding: .utf8)
        let cases: [[String]] = [
            [script], [script, "a", "-b", "--sim", "--"], [help],
            ["-e", "print $argv; exit 3", "x", "--timeout", "2"], ["-e", "print \"no args\""],
            ["-e", "print ("], [folder.appendingPathComponent("missing.ami").path, "a"],
        ]
        for arguments in cases {
            let simple = try BuiltBinary.run("amiscript", arguments)
            let full = try BuiltBinary.run("amiscript", ["--timeout", "10"] + arguments)
            XCTAssertEqual(simple.stdout, full.stdout, "\(arguments)")
            XCTAssertEqual(simple.stderr, full.stderr, "\(arguments)")
            XCTAssertEqual(simple.status, full.status, "\(arguments)")
        }
        let scripted = try BuiltBinary.run("amiscript", [script, "a", "-b"])
        XCTAssertEqual(scripted.stdout, "[\"a\", \"-b\"] 10 2\n")
        XCTAssertEqual(scripted.status, 2)
        XCTAssertEqual(try BuiltBinary.run("amiscript", [help]).stdout, "script named help\n")
        XCTAssertEqual(try BuiltBinary.run("amiscript", ["-e", "print ("]).status, 65)
    }

    func testCompletionScriptsForEachShellAndOneVersion() throws {
        // The shell named after the option is the one generated (it was always bash).
        let zsh = try BuiltBinary.run("amiscript", ["--generate-completion-script", "zsh"])
        XCTAssertTrue(zsh.stdout.hasPrefix("#compdef amiscript"), zsh.stdout)
        let fish = try BuiltBinary.run("amiscript", ["--generate-completion-script", "fish"])
        XCTAssertTrue(fish.stdout.contains("complete -c 'amiscript'"), fish.stdout)
        let bash = try BuiltBinary.run("amisim", ["--generate-completion-script", "bash"])
        XCTAssertTrue(bash.stdout.contains("complete -o filenames -F _amisim amisim"), bash.stdout)
        let ours = try BuiltBinary.run("amiscript", ["--version"]).stdout
        let simulators = try BuiltBinary.run("amisim", ["--version"]).stdout
        XCTAssertEqual(ours.split(separator: " ").last, simulators.split(separator: " ").last)
        XCTAssertTrue(simulators.hasPrefix("amisim "), simulators)
    }

    func testLogFileHoldsEveryByteBothWaysInOrderWithSecretsMasked() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("amiscript-log-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).log").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try BuiltBinary.run("amiscript", ["--sim", "-e", """
            log_file "\(path)"
            connect
            login admin secret5 events off
            action Ping
            command "core show uptime"
            login admin secret5 md5
            close
            """])
        XCTAssertEqual(result.status, 0, result.stderr)
        let log = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertFalse(log.contains("secret5"), log)
        // Each request and its answer, in wire order: the requests were missing before.
        var rest = Substring(log)
        for expected in ["Asterisk Call Manager/", "Action: Login\r\n", "Secret: ********\r\n", "Message: Authentication accepted\r\n",
                         "Action: Ping\r\n", "Ping: Pong\r\n", "Action: Command\r\n", "Command: core show uptime\r\n",
                         "Output: System uptime:", "Action: Challenge\r\n", "Challenge: ", "AuthType: MD5\r\n", "Key: ********\r\n",
                         "Action: Logoff\r\n", "Response: Goodbye\r\n"] {
            guard let range = rest.range(of: expected) else {
                return XCTFail("'\(expected)' missing from the log or out of order:\n\(log)")
            }
            rest = rest[range.upperBound...]
        }
    }

    func testTraceShowsTheWireWithSecretsMasked() throws {
        let result = try BuiltBinary.run("amiscript", ["--sim", "--trace", "-e", "connect; login admin secret5 events off; close"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("<< Asterisk Call Manager/13.0.0\\r\\n\n"), result.stderr)
        XCTAssertTrue(result.stderr.contains(">> Secret: ********\\r\\n\n"), result.stderr)
        XCTAssertTrue(result.stderr.contains(">> Action: Logoff\\r\\n"), result.stderr)
        XCTAssertFalse(result.stderr.contains("secret5"), "the secret never reaches the trace")
    }

    func testConnectOverTLS() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("amiscript-tls-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let certificate = folder.appendingPathComponent("cert.pem").path
        let key = folder.appendingPathComponent("key.pem").path
        let made = try BuiltBinary.run("", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate,
                                            "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"],
                                       executable: URL(fileURLWithPath: "/usr/bin/openssl"))
        XCTAssertEqual(made.status, 0, made.stderr)
        let simulator = try BuiltBinary.Simulator(["--tls-cert", certificate, "--tls-key", key])
        defer { _ = simulator.stop() }
        let script = "connect localhost \(simulator.port) tls; login admin secret5 events off; print $banner $response.Message; close"
        let trusted = try BuiltBinary.run("amiscript", ["-e", script], environment: ["AMI_TLS_CA": certificate])
        XCTAssertEqual(trusted.stdout, "Asterisk Call Manager/13.0.0 Authentication accepted\n", trusted.stderr)
        XCTAssertEqual(trusted.status, 0)
        let unverified = try BuiltBinary.run("amiscript", ["-e", script], environment: ["AMI_TLS_VERIFY": "0"])
        XCTAssertEqual(unverified.status, 0, unverified.stderr)
        let untrusted = try BuiltBinary.run("amiscript", ["-e", script])
        XCTAssertEqual(untrusted.status, 69)
        XCTAssertTrue(untrusted.stderr.hasPrefix(
            "-e:1:1: error: cannot connect to localhost:\(simulator.port): the connection failed: TLS certificate verification failed"),
                      untrusted.stderr)
        let tlsToPlain = try BuiltBinary.Simulator()
        defer { _ = tlsToPlain.stop() }
        let wrong = try BuiltBinary.run("amiscript", ["-e", "connect 127.0.0.1 \(tlsToPlain.port) tls else { print \"no TLS there\" }"],
                                        environment: ["AMI_TLS_VERIFY": "0"])
        XCTAssertEqual(wrong.stdout, "no TLS there\n", wrong.stderr)
    }

    func testTimeoutOptionSetsTheDefault() throws {
        let simulator = try BuiltBinary.Simulator(["--fault", "stall"])
        defer { _ = simulator.stop() }
        let result = try BuiltBinary.run("amiscript", ["--timeout", "0.5", "-e", "connect\nexpect /Pong/"],
                                         environment: ["AMI_PORT": "\(simulator.port)"])
        XCTAssertEqual(result.status, 124)
        XCTAssertEqual(result.stderr, """
            -e:2:1: error: expect timed out after 0.5s waiting for /Pong/; last received: "Asterisk Call Manager/13.0.0\\r\\n"
            expect /Pong/
            ^

            """)
    }
}
