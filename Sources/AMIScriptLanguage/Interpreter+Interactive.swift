import AMIProtocol

/// What a REPL needs beyond running statements: outcomes it can tell apart, variables
/// for completion, the connection for the prompt, and what arrives while the user types.
extension Interpreter {
    public enum Outcome: Sendable {
        case finished
        case exited(Int32)
        case failed(ScriptError)
    }

    /// Runs statements, keeping every variable, proc and the connection for the next call:
    /// the one place where what a run ended with becomes an outcome (a script's exit code
    /// comes from here too, through `run`).
    public func runInteractive(_ statements: [Statement]) async -> Outcome {
        do {
            try await execute(statements)
            return .finished
        } catch let error as ScriptError {
            return .failed(error)
        } catch ControlFlow.exit(let code) {
            return .exited(code)
        } catch ControlFlow.breakLoop, ControlFlow.continueLoop, ControlFlow.expContinue {
            return .finished
        } catch ControlFlow.returnValue {
            return .finished
        } catch {
            let location = SourceLocation(file: configuration.scriptName, line: 1, column: 1)
            return .failed(ScriptError(location, error is CancellationError ? "interrupted" : "\(error)",
                                       exitCode: error is CancellationError ? ExitCode.interrupted : ExitCode.runtimeError))
        }
    }

    public func value(of name: String) -> Value? {
        lookup(name)
    }

    public var procNames: [String] { procs.keys.sorted() }

    /// `admin@127.0.0.1:5038` once logged in, `127.0.0.1:5038` when only connected, nil
    /// without a connection.
    public var connectionLabel: String? {
        guard session.isConnected, let peer = session.peer else { return nil }
        if loggedIn, let loginUser { return "\(loginUser)@\(peer)" }
        return peer
    }

    public struct IdleInput: Sendable {
        /// Packets that arrived: events, and responses nobody waited for (the first 200).
        public var packets: [AMIPacket] = []
        /// How many more arrived than `packets` holds.
        public var more = 0
        /// Set when the connection ended meanwhile (its reason).
        public var ended: String?
        /// An event handler failed.
        public var error: ScriptError?
    }

    /// Takes what arrived while nothing was running, without waiting: the text joins the
    /// expect buffer (a later `expect` still sees it), the packets are returned for display
    /// (those an event handler took are its own, not shown).
    public func pollIdle() async -> IdleInput {
        var result = IdleInput()
        guard session.isConnected else { return result }
        collectArrivals()
        poll: while true {
            let inputs: [SessionInput]
            let ending: SessionInput?
            do {
                inputs = try await session.receive(timeout: 0)
                ending = try await take(inputs)
            } catch let error as ScriptError {
                result.error = error
                break poll
            } catch {
                break poll
            }
            switch ending {
            case .timeout?:
                break poll
            case .eof(let reason)?:
                result.ended = reason
                await session.close(logoff: false, timeout: 0)
                loggedIn = false
                break poll
            default:
                continue
            }
        }
        (result.packets, result.more) = takeArrivals()
        return result
    }

    /// Starts keeping a copy of every packet that arrives while statements run (the
    /// packets still go where they always go: the expect buffer and `expect event`).
    public func collectArrivals() {
        collectsArrivals = true
        arrivals = []
        arrivalsDropped = 0
    }

    /// The packets that arrived since `collectArrivals`, in order (the first 200), and how
    /// many more came; stops collecting.
    public func takeArrivals() -> (packets: [AMIPacket], more: Int) {
        collectsArrivals = false
        defer {
            arrivals = []
            arrivalsDropped = 0
        }
        return (arrivals, arrivalsDropped)
    }

    /// Sends text exactly as given (a raw packet typed without an `Action:` header).
    public func sendRaw(_ text: String) async -> Outcome {
        let location = SourceLocation(file: configuration.scriptName, line: 1, column: 1)
        return await runInteractive([.send(.literal(.string(text), location), raw: true, location)])
    }

    /// An action for the REPL's own needs (ListCommands for completion, help): nothing is
    /// bound, and a failure is just nil.
    public func silentAction(_ name: String, _ headers: [AMIHeader]) async -> AMIActionResult? {
        guard session.isConnected else { return nil }
        let location = SourceLocation(file: configuration.scriptName, line: 1, column: 1)
        return try? await perform(name, headers, at: location)
    }

    /// The answer to the last action (`action`, `command`, `login`, a raw packet).
    public var lastActionResult: AMIActionResult? { lastResult }

    /// Sends an action typed as a raw packet (its headers as given) and binds `$response`
    /// and `$events` as `action` does; a successful Login counts as logging in.
    public func interactiveAction(_ name: String, _ headers: [AMIHeader], at location: SourceLocation) async throws -> AMIActionResult {
        let result = try await perform(name, headers, at: location)
        bind(result)
        if AMIHeader.namesEqual(name, "Login"), !result.response.isError {
            loggedIn = true
            loginUser = headers.first { $0.hasName("Username") }?.value
        }
        if AMIHeader.namesEqual(name, "Logoff") { loggedIn = false }
        return result
    }
}
