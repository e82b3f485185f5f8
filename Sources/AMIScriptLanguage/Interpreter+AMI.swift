import AMIProtocol

/// The statements that talk to the manager: connect, send, login, action, command.
extension Interpreter {
    /// Where a `connect` goes: what `reconnect` repeats.
    struct ConnectTarget {
        var host: String
        var port: Int
        var tls: Bool
        var retries: Int
    }

    /// What a `login` sent: what `reconnect` sends again.
    struct LoginCredentials {
        var user: String
        var secret: String
        var md5: Bool
        var events: String?
    }

    func connect(host hostExpression: Expression?, port portExpression: Expression?, tls: Bool, retry: Expression?,
                 orElse: [Statement]?, at location: SourceLocation) async throws {
        let host = try await evaluateOptional(hostExpression)?.description
            ?? configuration.environment["AMI_HOST"] ?? "127.0.0.1"
        let portValue = try await evaluateOptional(portExpression)
            ?? configuration.environment["AMI_PORT"].map(Value.string) ?? .number(tls ? 5039 : 5038)
        guard let portNumber = portValue.number, portNumber >= 1, portNumber <= 65535, portNumber == portNumber.rounded() else {
            throw ScriptError(location, "'\(portValue)' is not a port number")
        }
        var retries = 0
        if let retry {
            let value = try await evaluate(retry)
            guard let count = value.number, count >= 0, count == count.rounded(), count <= 1_000_000 else {
                throw ScriptError(location, "retry wants how many more times to try (a whole number from 0), not '\(value)'")
            }
            retries = Int(count)
        }
        let target = ConnectTarget(host: host, port: Int(portNumber), tls: tls, retries: retries)
        lastConnect = target
        if let failure = try await connect(to: target, at: location) {
            if let orElse {
                try await execute(orElse)
                return
            }
            throw failure
        }
    }

    /// Connects to `target`, trying again `target.retries` times after 1 s, 2 s, 4 s …
    /// (at most 30 s) between tries; the error of the last try, or nil when connected.
    func connect(to target: ConnectTarget, at location: SourceLocation) async throws -> ScriptError? {
        if session.isConnected { await session.close(logoff: loggedIn, timeout: 2) }
        loggedIn = false
        var pause = 1.0
        var tries = 0
        while true {
            buffer = ExpectBuffer(maxBytes: buffer.maxBytes)
            pendingEvents = EventQueue()
            do throws(SessionError) {
                let banner = try await session.connect(host: target.host, port: target.port, tls: target.tls,
                                                       timeout: lookup("timeout")?.number ?? 10)
                if let problem = Self.bannerProblem(banner, tls: target.tls) {
                    // Not an AMI server (or not without TLS): say so now, not at the next wait.
                    await session.close(logoff: false, timeout: 0)
                    throw SessionError.connectFailed(problem)
                }
                assign("banner", .string(banner ?? ""))
                let version = banner.flatMap { $0.split(separator: "/").last.map(String.init) } ?? ""
                assign("ami_version", .string(version))
                return nil
            } catch {
                if case .interrupted = error { throw ScriptError(location, "interrupted", exitCode: ExitCode.interrupted) }
                guard tries < target.retries else {
                    var message = "cannot connect to \(target.host):\(target.port): \(Self.describe(error))"
                    if target.retries > 0 { message += " (after \(target.retries + 1) tries)" }
                    // `connect 127.0.0.1:5038` (one colon: not an IPv6 address) was taken for a host name.
                    let parts = target.host.split(separator: ":", omittingEmptySubsequences: false)
                    if parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, parts[1].allSatisfy(\.isNumber) {
                        message += "; the port goes after a blank: connect \(parts[0]) \(parts[1])"
                    }
                    return ScriptError(location, message, exitCode: ExitCode.connection)
                }
                tries += 1
                do {
                    try await Task.sleep(nanoseconds: UInt64(pause * 1_000_000_000))
                } catch {
                    throw ScriptError(location, "interrupted", exitCode: ExitCode.interrupted)
                }
                pause = min(pause * 2, 30)
            }
        }
    }

    /// `reconnect`: the last connect's host, port, TLS and retries, then the last login's
    /// user, secret, md5 and events (a watcher's way back after `eof`).
    func reconnect(orElse: [Statement]?, at location: SourceLocation) async throws {
        guard let target = lastConnect else {
            throw ScriptError(location, "reconnect: there was no connect before it")
        }
        if let failure = try await connect(to: target, at: location) {
            if let orElse {
                try await execute(orElse)
                return
            }
            throw failure
        }
        guard let credentials = lastLogin else { return }
        try await login(credentials, orElse: orElse, at: location)
    }

    /// What is wrong with the first line a server sent, or nil for an AMI banner
    /// (`Asterisk Call Manager/…`, also a proxy's `… Call Manager Proxy/…`, PROTOCOL.md).
    static func bannerProblem(_ banner: String?, tls: Bool) -> String? {
        guard let banner else {
            return "no AMI banner came (an AMI server greets at once)"
                + (tls ? "" : "; if this is Asterisk's TLS port (5039 by default), connect with tls")
        }
        guard !banner.lowercased().contains("call manager") else { return nil }
        let shown = banner.count > 80 ? String(banner.prefix(80)) + "…" : banner
        return "not an AMI server: it greeted with '\(VisibleText.escaped(shown, quotes: false))'"
    }

    func evaluateOptional(_ expression: Expression?) async throws -> Value? {
        guard let expression else { return nil }
        return try await evaluate(expression)
    }

    func send(_ text: String, raw: Bool, at location: SourceLocation) async throws {
        guard session.isConnected else {
            throw ScriptError(location, "send without a connection (use 'connect' first)", exitCode: ExitCode.connection)
        }
        var bytes: [UInt8] = []
        let utf8 = Array(text.utf8)
        if raw {
            bytes = utf8
        } else {
            // What telnet did for Expect scripts: each LF not after a CR goes out as CR LF.
            bytes.reserveCapacity(utf8.count + 16)
            for (index, byte) in utf8.enumerated() {
                if byte == 0x0A, index == 0 || utf8[index - 1] != 0x0D { bytes.append(0x0D) }
                bytes.append(byte)
            }
        }
        do {
            try await session.send(bytes)
        } catch {
            throw ScriptError(location, "send failed: \(Self.describe(error))", exitCode: ExitCode.connection)
        }
    }

    func login(user: Expression?, secret: Expression?, md5: Bool, events: String?, orElse: [Statement]?,
               at location: SourceLocation) async throws {
        guard let username = try await evaluateOptional(user)?.description ?? configuration.environment["AMI_USERNAME"] else {
            throw ScriptError(location, "login needs a user name (login USER SECRET, or AMI_USERNAME)")
        }
        var password = try await evaluateOptional(secret)?.description ?? configuration.environment["AMI_SECRET"]
        if password == nil, let file = configuration.environment["AMI_SECRET_FILE"], !file.isEmpty {
            password = try SecretFile.read(file, what: "login: AMI_SECRET_FILE", at: location)
        }
        guard let password else {
            throw ScriptError(location, "login needs a secret (login USER SECRET, AMI_SECRET, or AMI_SECRET_FILE)")
        }
        try await login(LoginCredentials(user: username, secret: password, md5: md5, events: events), orElse: orElse, at: location)
    }

    /// Logs in with `credentials`; remembered for `reconnect` when it succeeds.
    func login(_ credentials: LoginCredentials, orElse: [Statement]?, at location: SourceLocation) async throws {
        let (username, password, md5, events) = (credentials.user, credentials.secret, credentials.md5, credentials.events)
        var nonce: String?
        if md5 {
            let request = AMILogin.challengeRequest
            let challenge = try await perform(request.name, request.headers, at: location)
            guard !challenge.response.isError, let given = challenge.response["Challenge"] else {
                try await loginFailed(username, challenge.response["Message"] ?? "no challenge", orElse: orElse, at: location)
                return
            }
            nonce = given
        }
        let headers = AMILogin.headers(username: username, secret: password, challenge: nonce, events: events)
        let result = try await perform("Login", headers, at: location)
        bind(result)
        if result.response.isError {
            try await loginFailed(username, result.response["Message"] ?? "", orElse: orElse, at: location)
            return
        }
        loggedIn = true
        loginUser = username
        lastLogin = credentials
    }

    private func loginFailed(_ user: String, _ message: String, orElse: [Statement]?, at location: SourceLocation) async throws {
        if let orElse {
            try await execute(orElse)
            return
        }
        throw ScriptError(location, "login failed for user '\(user)': \(message)", exitCode: ExitCode.loginFailed)
    }

    func action(name: Expression, headers: [ActionHeader], orElse: [Statement]?, at location: SourceLocation) async throws {
        let actionName = try await evaluate(name).description
        var values: [AMIHeader] = []
        for header in headers {
            values.append(AMIHeader(header.name, try await evaluate(header.value).description))
        }
        let result = try await perform(actionName, values, at: location)
        bind(result)
        if result.response.isError {
            if let orElse {
                try await execute(orElse)
                return
            }
            throw ScriptError(location, "action \(actionName) failed: \(result.response["Message"] ?? "Response: Error")")
        }
    }

    func command(_ text: Expression, orElse: [Statement]?, at location: SourceLocation) async throws {
        let commandLine = try await evaluate(text).description
        let result = try await perform("Command", [AMIHeader("Command", commandLine)], at: location)
        bind(result)
        assign("output", .string(result.response.commandOutput.joined(separator: "\n")))
        if result.response.isError {
            if let orElse {
                try await execute(orElse)
                return
            }
            let detail = result.response.commandOutput.first ?? result.response["Message"] ?? "Response: Error"
            throw ScriptError(location, "command '\(commandLine)' failed: \(detail)")
        }
    }

    /// Sends an action, then pumps what arrives until its answer is in.
    ///
    /// This is the one road for received input while an action waits: each batch from the
    /// session is looked at for the action's packets first (their bytes are left out of
    /// the expect buffer, even bytes an earlier batch already brought in), then the batch
    /// is taken in as `expect` would take it. Events and text that arrive meanwhile are in
    /// the expect buffer when the action returns, in stream order.
    func perform(_ name: String, _ headers: [AMIHeader], timeout givenTimeout: Double? = nil,
                 at location: SourceLocation) async throws -> AMIActionResult {
        guard session.isConnected else {
            throw ScriptError(location, "\(name) without a connection (use 'connect' first)", exitCode: ExitCode.connection)
        }
        let timeout = givenTimeout ?? lookup("timeout")?.number ?? configuration.timeout
        let deadline = timeout < 0 ? nil : Clock.now + timeout
        func failed(_ error: SessionError) -> ScriptError {
            switch error {
            case .interrupted:
                return ScriptError(location, "interrupted", exitCode: ExitCode.interrupted)
            case .invalidAction(let reason):
                return ScriptError(location, "cannot send \(name): \(reason)")
            case .timedOut:
                return ScriptError(location, "action \(name) timed out after \(Value.format(timeout))s waiting for its response; last received: \"\(Self.escape(Array(buffer.recentTail.suffix(120))))\"",
                                   exitCode: ExitCode.timeout)
            default:
                return ScriptError(location, "action \(name) failed: \(Self.describe(error))", exitCode: ExitCode.connection)
            }
        }
        var pending: AMIPendingAction
        do {
            pending = AMIPendingAction(actionID: try await session.send(AMIAction(name, headers)), name: name)
        } catch {
            throw failed(error)
        }
        while true {
            let inputs: [SessionInput]
            do {
                inputs = try await session.receive(timeout: deadline.map { max(0, $0 - Clock.now) })
            } catch {
                throw failed(error)
            }
            // Once the answer is complete, `claim` hands every packet back.
            let ending = try await take(inputs) { run in
                pending.claim(from: run, taken: { self.buffer.leaveOut($0.streamRange) })
            }
            if let result = pending.result { return result }
            switch ending {
            case .eof(let reason)?:
                throw failed(.closed(reason))
            case .timeout?:
                // The session says `.timeout` only when the whole wait passed quietly.
                throw failed(.timedOut(name))
            default:
                continue
            }
        }
    }

    /// The one road for received input: a batch from the session into the interpreter.
    ///
    /// First the packets that leave the stream: the waiting action's (`claim`), then those
    /// an `on event` handler takes; their bytes are left out of the expect buffer before
    /// the batch's text goes in. Then the text joins the expect buffer (bounded by
    /// match_max) and the other packets the queue `expect event` looks at. Then the
    /// handlers run, in arrival order. Returns the end (timeout or eof) if the batch has one.
    @discardableResult
    func take(_ inputs: [SessionInput], claim: ((AMIPacketRun) -> [AMIPacketRun])? = nil) async throws -> SessionInput? {
        var batch = inputs
        if claim != nil || !eventHandlers.isEmpty {
            batch = []
            batch.reserveCapacity(inputs.count + 2)
            for input in inputs {
                guard case .packets(let run) = input else {
                    batch.append(input)
                    continue
                }
                for piece in claim?(run) ?? [run] {
                    if eventHandlers.isEmpty {
                        batch.append(.packets(piece))
                    } else {
                        for kept in try await claimForHandlers(piece) { batch.append(.packets(kept)) }
                    }
                }
            }
        }
        var ending: SessionInput?
        for input in batch {
            switch input {
            case .text(let chunk):
                buffer.ingest(chunk)
            case .packets(let run):
                // Every packet waits here; only an event branch asks its kind.
                pendingEvents.append(run)
                if collectsArrivals {
                    let room = max(0, Self.arrivalsKept - arrivals.count)
                    arrivals.append(contentsOf: run.prefix(room))
                    arrivalsDropped += max(0, run.count - room)
                }
            case .timeout, .eof:
                ending = input
            }
        }
        dropConsumedEvents()
        try await runEventHandlers()
        return ending
    }

    /// `$keepalive`: after that many quiet seconds in a wait, the link is checked with a
    /// Ping (nil: off, the default).
    var keepalive: Double? {
        guard let seconds = lookup("keepalive")?.number, seconds > 0 else { return nil }
        return seconds
    }

    /// The keepalive Ping after a quiet spell: nil when the server answered; else why the
    /// link counts as ended (the connection is then closed: a wait sees eof). The answer
    /// is waited for as long as `$timeout` says (the keepalive period when that is -1).
    func checkLink(at location: SourceLocation) async throws -> String? {
        guard let seconds = keepalive, session.isConnected else { return nil }
        let scriptTimeout = lookup("timeout")?.number ?? configuration.timeout
        let limit = scriptTimeout < 0 ? seconds : scriptTimeout
        do {
            _ = try await perform("Ping", [], timeout: limit, at: location)
            return nil
        } catch let error as ScriptError where error.exitCode == ExitCode.timeout || error.exitCode == ExitCode.connection {
            // No answer, or the link broke: the wait sees eof. (Anything else — Ctrl-C, an
            // error in an event handler that ran meanwhile — goes on up.)
            await session.close(logoff: false, timeout: 0)
            loggedIn = false
            return "no answer to the keepalive Ping within \(Value.format(limit))s"
        }
    }

    /// `sleep`: the time passes, and what arrives meanwhile is taken in (event handlers
    /// run; text waits in the expect buffer).
    func sleep(_ seconds: Double, at location: SourceLocation) async throws {
        let deadline = Clock.now + seconds
        while session.isConnected {
            let left = deadline - Clock.now
            guard left > 0 else { return }
            let inputs: [SessionInput]
            let quiet = keepalive.map { min($0, left) } ?? left
            do {
                inputs = try await session.receive(timeout: quiet)
                if quiet < left, inputs.count == 1, case .timeout = inputs[0] {
                    // A quiet spell of $keepalive seconds: is the link still there?
                    if try await checkLink(at: location) != nil { break }
                    continue
                }
            } catch SessionError.interrupted {
                throw ScriptError(location, "interrupted", exitCode: ExitCode.interrupted)
            } catch {
                break
            }
            if case .eof? = try await take(inputs) { break }
        }
        let left = deadline - Clock.now
        // Capped at a century: `sleep 1e12` waits "forever" instead of overflowing.
        if left > 0 { try await Task.sleep(nanoseconds: UInt64(min(left, 3.2e9) * 1_000_000_000)) }
    }

    func bind(_ result: AMIActionResult) {
        lastResult = result
        assign("response", Self.map(of: result.response))
        assign("events", .list(result.events.map(Self.map(of:))))
    }
}
