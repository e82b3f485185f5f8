import AMISimulator
import ArgumentParser
import CommandLineSupport
import Dispatch
import NIOConcurrencyHelpers

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `amisim`: a simulated Asterisk manager for tests, benchmarks and trying scripts
/// without a PBX.
@main
struct AMISim: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "amisim",
        abstract: "A simulated Asterisk Manager Interface (AMI) server.",
        discussion: """
            Answers like Asterisk's manager on the wire. Users admin/secret5 (all rights) and \
            limited/limited1 (system) unless --manager-conf names a manager.conf. When ready it \
            prints 'amisim listening on HOST:PORT'. With --replay FILE it answers like the server of \
            a recording (amiscript --record) instead. Exit codes: 64 usage, 65 a --replay file that is \
            not a recording, 69 the port cannot be bound. Faults: \
            \(SimulatorFault.allCases.map { "\($0.rawValue) (\($0.summary))" }.joined(separator: "; ")).
            """,
        version: "amisim \(AMIScriptVersion.string)"
    )

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on; 0 takes a free one.")
    var port = 5038

    @Option(name: .customLong("manager-conf"), help: "Users and rights from this manager.conf.")
    var managerConf: String?

    @Option(help: "The banner line sent on connect.")
    var banner = "Asterisk Call Manager/13.0.0"

    @Flag(name: .customLong("legacy-command"),
          help: "Answer Command as Asterisk before 14 (Response: Follows ... --END COMMAND--).")
    var legacyCommand = false

    @Flag(name: .customLong("no-xml-docs"),
          help: "Answer 'manager show command' as an Asterisk built without XML documentation (no synopsis, no headers).")
    var noXMLDocs = false

    @Option(name: .customLong("fault"), help: "Inject a fault (repeatable).")
    var faults: [String] = []

    @Option(name: .customLong("mailbox"), help: "Set a mailbox: BOX@CONTEXT=NEW,OLD (repeatable).")
    var mailboxes: [String] = []

    @Option(name: .customLong("var"), help: "Set a global variable: NAME=VALUE (repeatable).")
    var variables: [String] = []

    @Option(name: .customLong("flood-bytes"), help: "Bytes of events the flood fault sends (0: forever).")
    var floodBytes = 10_000_000

    @Option(name: .customLong("flood-rate"), help: "Events per second of the flood (0: as fast as read).")
    var floodRate = 0.0

    @Option(name: .customLong("byte-delay"),
            help: "Write every byte separately, this many seconds apart (a slow link; 0: off).")
    var byteDelay = 0.0

    @Option(name: .customLong("auth-fail-delay"), help: "Seconds before a failed login is answered.")
    var authFailDelay = 1.0

    @Option(name: .customLong("call-seconds"), help: "How long an originated call lasts.")
    var callSeconds = 2.0

    @Option(name: .customLong("tls-cert"), help: "Serve TLS with this PEM certificate (needs --tls-key).")
    var tlsCertificate: String?

    @Option(name: .customLong("tls-key"), help: "The PEM private key of --tls-cert.")
    var tlsKey: String?

    @Option(help: "Answer like the server of this recording (amiscript --record, or a transcript's JSON lines).")
    var replay: String?

    @Option(name: .customLong("replay-speed"),
            help: "How fast the recorded events come: 1 as recorded, N times faster, 0 all at once.")
    var replaySpeed = 1.0

    func validate() throws {
        for fault in faults where SimulatorFault(rawValue: fault) == nil {
            throw ValidationError("unknown fault '\(fault)'; known: \(SimulatorFault.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard byteDelay >= 0, byteDelay <= 60 else {
            throw ValidationError("--byte-delay wants seconds from 0 to 60, not \(byteDelay)")
        }
        guard (0...65535).contains(port) else { throw ValidationError("port \(port) is out of range") }
        if (tlsCertificate == nil) != (tlsKey == nil) {
            throw ValidationError("--tls-cert and --tls-key go together")
        }
        try ReplayCommandLine.validate(self)
    }

    func run() async throws {
        var options = SimulatorOptions(host: host, port: port, banner: banner, legacyCommand: legacyCommand)
        options.xmlDocumentation = !noXMLDocs
        options.faults = Set(faults.compactMap(SimulatorFault.init(rawValue:)))
        options.failedLoginDelay = authFailDelay
        options.byteDelay = byteDelay
        options.flood = FloodOptions(bytes: floodBytes, rate: floodRate)
        options.data.callSeconds = callSeconds
        options.tlsCertificateFile = tlsCertificate
        options.tlsKeyFile = tlsKey
        if let replay {
            options.replay = try ReplayCommandLine.options(file: replay, speed: replaySpeed)
        }
        if let managerConf {
            guard let text = StandardStreams.readFile(managerConf) else {
                throw ValidationError("cannot read \(managerConf)")
            }
            do {
                options.manager = try ManagerConfiguration.parse(text)
            } catch {
                throw ValidationError("\(managerConf): \(error)")
            }
        }
        for spec in mailboxes {
            let parts = spec.split(separator: "=", maxSplits: 1)
            let counts = parts.count == 2 ? parts[1].split(separator: ",").compactMap { Int($0) } : []
            guard parts.count == 2, counts.count == 2 else {
                throw ValidationError("--mailbox wants BOX@CONTEXT=NEW,OLD, not '\(spec)'")
            }
            options.data.setMailbox(String(parts[0]), new: counts[0], old: counts[1])
        }
        for spec in variables {
            let parts = spec.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { throw ValidationError("--var wants NAME=VALUE, not '\(spec)'") }
            options.data.globals[String(parts[0])] = String(parts[1])
        }

        // Signals are caught before the listening line is printed, so a SIGTERM sent
        // right after that line still stops the server cleanly.
        let running = RunningServer()
        let stop = SignalStopper { running.stop() }
        let server: AMISimulatorServer
        do {
            server = try await AMISimulatorServer.start(options)
        } catch {
            StandardStreams.writeError("amisim: cannot listen on \(host):\(port): \(error)\n")
            throw ExitCode(69)
        }
        StandardStreams.writeOutput("amisim listening on \(server.host):\(server.port)\n")

        running.set(server)
        await server.waitUntilClosed()
        _ = stop
    }
}

/// The server once it runs; a stop asked for before that happens as soon as it does.
final class RunningServer: Sendable {
    private let state = NIOLockedValueBox<(server: AMISimulatorServer?, stopRequested: Bool)>((nil, false))

    func set(_ server: AMISimulatorServer) {
        let stopNow = state.withLockedValue { state -> Bool in
            state.server = server
            return state.stopRequested
        }
        if stopNow { Task { await server.stop() } }
    }

    func stop() {
        let server = state.withLockedValue { state -> AMISimulatorServer? in
            state.stopRequested = true
            return state.server
        }
        if let server { Task { await server.stop() } }
    }
}

/// Stops the server on SIGINT / SIGTERM.
final class SignalStopper {
    private let sources: [DispatchSourceSignal]

    init(_ action: @escaping @Sendable () -> Void) {
        sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler(handler: action)
            source.resume()
            return source
        }
    }
}
