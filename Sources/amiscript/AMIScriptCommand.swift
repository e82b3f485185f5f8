import AMIProtocol
import AMIClient
import AMIScriptLanguage
import AMIScriptREPL
import AMIScriptSession
import AMISimulator
import ArgumentParser
import CommandLineSupport
import Dispatch
import NIOCore
import NIOGlobalExecutor
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `amiscript`: runs Expect-style scripts against the Asterisk Manager Interface.
@main
struct AMIScriptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "amiscript",
        abstract: "Expect-style scripting for the Asterisk Manager Interface (AMI).",
        usage: """
            amiscript [options] FILE [ARGS...]
            amiscript [options] - [ARGS...]          (script on stdin)
            amiscript [options] -e CODE [ARGS...]
            amiscript convert FILE.exp [-o OUT.ami]   (an Expect + telnet script as amiscript)
            """,
        discussion: """
            The server is $AMI_HOST:$AMI_PORT (default 127.0.0.1:5038); AMI_USERNAME and AMI_SECRET \
            are the defaults of 'login'. With --sim the script talks to a built-in simulator.
            Exit codes: 0 success or exit's code, 1 runtime error, 64 usage, 65 the script does not parse or --check found an error (with --strict, a warning), \
            69 connection refused/failed/closed, 73 the --record file cannot be written, 77 login failed, 124 expect/action timeout.
            """,
        version: "amiscript \(AMIScriptVersion.string)"
    )

    // `.unconditional`: the next word is the value whatever it looks like (`-e '-1'`,
    // `--timeout -1`).
    @Option(name: .customShort("e"), parsing: .unconditional, help: "Run CODE instead of a file.")
    var code: String?

    @Flag(help: "Parse and check only, without running: exit 0, or 65 with every error listed (warnings too; they fail only with --strict).")
    var check = false

    @Flag(help: "Refuse a script with warnings: check it first and exit 65 when anything is found (with --check, warnings make it exit 65).")
    var strict = false

    @Flag(help: "Write the wire traffic to stderr (>> sent, << received, secrets masked).")
    var trace = false

    @Option(parsing: .unconditional, help: "The default expect timeout in seconds.")
    var timeout: Double = 10

    @Flag(help: "Run against the built-in AMI simulator on a free loopback port.")
    var sim = false

    @Flag(name: .customShort("i"), help: "Run the script, then the REPL with its variables, procs and connection (also after exit).")
    var interactive = false

    @Flag(help: "In the REPL, print action responses, list entries and events as JSON lines (one object a packet).")
    var json = false

    @Option(help: "Record every byte both ways in FILE (JSON lines, secrets masked), for amisim --replay.")
    var record: String?

    /// Options end at the script (the first word that is not one of amiscript's options):
    /// everything from there on belongs to the script, even words that look like options
    /// (`amiscript tool.ami --verbose`).
    @Argument(parsing: .captureForPassthrough, help: "The script (or '-') and its arguments.")
    var scriptAndArguments: [String] = []

    /// The passthrough capture starts at any word it does not know as an option, the
    /// parser's own `--help`, `--version` and `--generate-completion-script` included: those
    /// are answered here, and any other option is a mistake unless `--` came first (a
    /// script whose name begins with a dash: `amiscript -- -odd.ami`).
    func validate() throws {
        guard code == nil, let first = scriptAndArguments.first, first.hasPrefix("-"), first != "-", first != "--" else { return }
        switch first {
        case "-h", "--help":
            throw CleanExit.helpRequest(self)
        case "--version":
            throw CleanExit.message(Self.configuration.version)
        case "--generate-completion-script":
            let name = scriptAndArguments.dropFirst().first
            guard let shell = name.flatMap(CompletionShell.init(rawValue:)) else {
                throw ValidationError("--generate-completion-script wants one of: \(CompletionShell.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            throw CleanExit.message(Self.completionScript(for: shell))
        default:
            if first.hasPrefix("--generate-completion-script=") {
                guard let shell = CompletionShell(rawValue: String(first.dropFirst("--generate-completion-script=".count))) else {
                    throw ValidationError("--generate-completion-script wants one of: \(CompletionShell.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                throw CleanExit.message(Self.completionScript(for: shell))
            }
            throw ValidationError("Unknown option '\(first)'")
        }
    }

    static func main() {
        // One event loop thread runs the sockets and the script's tasks alike: an action's
        // round trip then costs no thread wake-ups (docs/performance.md has the measure).
        NIOGlobalExecutor.install()
        // `amiscript convert …` is a command of its own (a script named `convert` runs as
        // `amiscript ./convert`).
        if CommandLine.arguments.count > 1, CommandLine.arguments[1] == "convert" {
            ConvertCommand.main(Array(CommandLine.arguments.dropFirst(2)))
            exitProcess(0)
        }
        if let options = RunOptions.simpleCommandLine(Array(CommandLine.arguments.dropFirst())) {
            exitProcess(runBlocking { await ScriptRunner(options: options).run() })
        }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: error)
        }
    }

    func run() throws {
        let code = Self.runBlocking { await ScriptRunner(options: self.runOptions).run() }
        if code != 0 { throw ExitCode(code) }
    }

    /// The options as plain values.
    var runOptions: RunOptions {
        RunOptions(code: code, check: check, strict: strict, trace: trace, timeout: timeout, sim: sim,
                   interactive: interactive, json: json, record: record, scriptAndArguments: scriptAndArguments)
    }

    /// Runs async work from the synchronous main thread and waits for its result.
    static func runBlocking(_ work: @escaping @Sendable () async -> Int32) -> Int32 {
        let done = DispatchSemaphore(value: 0)
        let result = ResultBox()
        Task {
            result.value = await work()
            done.signal()
        }
        done.wait()
        return result.value
    }
}

/// The exit code handed from the async work to the waiting main thread.
final class ResultBox: @unchecked Sendable {
    // Written once by the task before it signals the semaphore the reader waits on.
    var value: Int32 = 0
}

/// Reads, checks and runs one script.
struct ScriptRunner {
    let options: RunOptions

    func run() async -> Int32 {
        var arguments = options.scriptAndArguments
        if arguments.first == "--" { arguments.removeFirst() }
        let name: String
        let bytes: [UInt8]
        if let code = options.code {
            name = "-e"
            bytes = Array(code.utf8)
        } else if let file = arguments.first {
            arguments.removeFirst()
            name = file
            if file == "-" {
                guard let read = StandardStreams.readStandardInputBytes() else {
                    StandardStreams.writeError("amiscript: cannot read the script from standard input\n")
                    return ExitCode.usage
                }
                bytes = read
            } else {
                switch StandardStreams.readBytesOrReason(file) {
                case .success(let read):
                    bytes = read
                case .failure(let failure):
                    StandardStreams.writeError("amiscript: cannot read \(file): \(failure.reason)\n")
                    return ExitCode.usage
                }
            }
        } else if !Terminal.isTerminal(0) {
            name = "-"
            bytes = StandardStreams.readStandardInputBytes() ?? []
        } else {
            return await runREPL()
        }
        let source: SourceFile
        switch SourceFile.decoding(name: name, bytes: bytes) {
        case .success(let decoded):
            source = decoded
        case .failure(let diagnostic):
            StandardStreams.writeError(diagnostic.description + "\n1 error\n")
            return ExitCode.parseError
        }
        let (script, diagnostics) = Parser.parse(source)
        if !diagnostics.isEmpty {
            for diagnostic in diagnostics { StandardStreams.writeError(diagnostic.rendered(in: source)) }
            let count = diagnostics.count
            StandardStreams.writeError("\(count) error\(count == 1 ? "" : "s")\n")
            return ExitCode.parseError
        }
        if options.check || options.strict {
            let findings = StaticChecks.check(script.statements)
            for finding in findings { StandardStreams.writeError(finding.rendered(in: source)) }
            if !findings.isEmpty { StandardStreams.writeError(Self.summary(findings) + "\n") }
            let fails = findings.contains { $0.severity == .error || options.strict }
            if fails { return ExitCode.parseError }
            if options.check { return ExitCode.success }
        }
        if options.interactive, name == "-" || !Terminal.isTerminal(0) {
            StandardStreams.writeError("amiscript: -i needs a terminal on standard input (the REPL runs there after the script)\n")
            return ExitCode.usage
        }

        guard let recording = Recording.open(options.record) else { return Recording.cannotCreate }
        let (prepared, simulator) = await prepareEnvironment()
        guard let environment = prepared else { return ExitCode.connection }
        let interpreter = makeInterpreter(scriptName: name, arguments: arguments, environment: environment,
                                          recorder: recording.recorder)
        if name != "-", Terminal.isTerminal(0) {
            let json = options.json
            interpreter.interactHook = { interpreter in
                await REPL(interpreter: interpreter, environment: environment, json: json, script: source).interact()
            }
        }
        var (code, error) = await interpreter.run(script.statements)
        if let error { StandardStreams.writeError(error.diagnostic.rendered(in: source)) }
        if options.interactive {
            // -i: the REPL goes on with the script's state, whatever the script ended with.
            code = await REPL(interpreter: interpreter, environment: environment, json: options.json, script: source).run()
        } else {
            await interpreter.finish()
        }
        await simulator?.stop()
        return recording.finish(code)
    }

    /// `2 errors, 1 warning`.
    static func summary(_ findings: [Diagnostic]) -> String {
        let errors = findings.filter { $0.severity == .error }.count
        let warnings = findings.count - errors
        var parts: [String] = []
        if errors > 0 { parts.append("\(errors) error\(errors == 1 ? "" : "s")") }
        if warnings > 0 { parts.append("\(warnings) warning\(warnings == 1 ? "" : "s")") }
        return parts.joined(separator: ", ")
    }

    /// No script and a terminal on stdin: the interactive REPL.
    private func runREPL() async -> Int32 {
        guard let recording = Recording.open(options.record) else { return Recording.cannotCreate }
        let (environment, simulator) = await prepareEnvironment()
        guard let environment else { return ExitCode.connection }
        let interpreter = makeInterpreter(scriptName: "repl", arguments: [], environment: environment,
                                          recorder: recording.recorder)
        let code = await REPL(interpreter: interpreter, environment: environment, json: options.json).run()
        await simulator?.stop()
        return recording.finish(code)
    }

    /// The interpreter of a script or of the REPL, on a real connection with the options'
    /// trace and TLS settings.
    private func makeInterpreter(scriptName: String, arguments: [String], environment: [String: String],
                                 recorder: SessionRecorder?) -> Interpreter {
        let session = AMIClientSession(trace: traceSink(), tls: Self.tlsOptions(environment), recorder: recorder)
        let configuration = Interpreter.Configuration(scriptName: scriptName, arguments: arguments,
                                                      environment: environment, timeout: options.timeout)
        return Interpreter(configuration: configuration, session: session, output: TerminalOutput())
    }

    /// The process environment, with AMI_HOST/AMI_PORT of the simulator under --sim
    /// (nil environment: the simulator could not start).
    private func prepareEnvironment() async -> ([String: String]?, AMISimulatorServer?) {
        var environment = Terminal.environment()
        guard options.sim else { return (environment, nil) }
        do {
            let server = try await AMISimulatorServer.start(SimulatorOptions())
            environment["AMI_HOST"] = server.host
            environment["AMI_PORT"] = String(server.port)
            // A script that logs in with AMI_USERNAME/AMI_SECRET, as a real one should,
            // runs on the simulator as it is: as its admin, unless the caller chose a user.
            if environment["AMI_USERNAME"] == nil, let user = ManagerConfiguration.standard.user(named: "admin") {
                environment["AMI_USERNAME"] = user.name
                environment["AMI_SECRET"] = environment["AMI_SECRET"] ?? user.secret
            }
            return (environment, server)
        } catch {
            StandardStreams.writeError("amiscript: cannot start the simulator: \(error)\n")
            return (nil, nil)
        }
    }

    private func traceSink() -> (@Sendable (String) -> Void)? {
        guard options.trace else { return nil }
        return { line in StandardStreams.writeError(line) }
    }

    /// AMI_TLS_VERIFY=0 accepts any certificate (a self-signed test server);
    /// AMI_TLS_CA=FILE trusts the PEM certificates in FILE.
    static func tlsOptions(_ environment: [String: String]) -> AMITLSOptions {
        AMITLSOptions(verifyCertificate: environment["AMI_TLS_VERIFY"] != "0",
                      trustedCertificatesFile: environment["AMI_TLS_CA"])
    }
}

/// stdout and stderr, and the terminal for `secret()`.
final class TerminalOutput: ScriptOutput {
    func writeOutput(_ text: String) { StandardStreams.writeOutput(text) }
    func writeError(_ text: String) { StandardStreams.writeError(text) }

    func readSecret(prompt: String) -> String? { Terminal.readLineWithoutEcho(prompt: prompt) }
}
