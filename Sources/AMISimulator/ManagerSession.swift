import AMIProtocol

/// One client connection to the simulated manager: authentication, event mask and the
/// dispatch of requests, answering as Asterisk's manager.c does.
final class ManagerSession {
    let state: SimulatorState
    let output: SessionOutput
    private(set) var user: ManagerConfiguration.User?
    /// Event classes this session asked for (`Events:` at login, the Events action).
    private(set) var eventMask: Privilege = .all
    private var challenge: String?
    /// Once a login failed or Logoff was answered, nothing more is read.
    private var finished = false
    private var sessionID: Int?
    let sessionPointer: String
    /// The action (lowercased) whose request is being answered: the faults that spare
    /// Login (`stall-mid-response`, `endless-line`) look at it.
    private var answering = ""

    init(state: SimulatorState, output: SessionOutput) {
        self.state = state
        self.output = output
        self.sessionPointer = "0x" + String(UInt64.random(in: 0x7f00_0000_0000...0x7fff_ffff_ffff), radix: 16)
    }

    var isAuthenticated: Bool { user != nil }
    /// True while the response being written answers Login or Challenge.
    var isAnsweringLogin: Bool { answering == "login" || answering == "challenge" }
    private var faults: Set<SimulatorFault> { state.options.faults }

    // MARK: Life cycle

    func start() {
        if !faults.contains(.noBanner) {
            output.writeOther(state.options.banner + "\r\n")
        }
        let timeout = state.options.manager.authTimeout
        if timeout > 0 {
            output.schedule(after: timeout) { [weak self] in
                guard let self, !self.isAuthenticated, !self.finished else { return }
                self.finished = true
                self.output.close()
            }
        }
    }

    /// Takes events broadcast by any connection; `sink` must hop onto this session's loop.
    func subscribe(_ sink: SimulatorState.EventSink) {
        sessionID = state.register(sink)
    }

    func stop() {
        finished = true
        if let sessionID { state.unregister(sessionID) }
        sessionID = nil
    }

    /// Sends an event if this session may read its class and asked for it.
    func deliver(_ text: String, category: Privilege) {
        guard let user, !finished else { return }
        guard !user.read.intersection(category).isEmpty, !eventMask.intersection(category).isEmpty else { return }
        output.writeOther(text)
    }

    // MARK: Requests

    func receive(_ request: AMIPacket) {
        guard !finished, !faults.contains(.stall) else { return }
        let actionID = request.actionID
        answering = request["Action"]?.lowercased() ?? ""
        if request.headers.count + request.body.count > AMIEncoder.maxLines {
            respond(.response("Error", actionID: actionID, message: "Too many lines in message or allocation failure"))
            return
        }
        guard let action = request["Action"], !action.isEmpty else {
            respond(.response("Error", actionID: actionID, message: "Missing action in request"))
            return
        }
        let name = action.lowercased()
        if !isAuthenticated, name != "login", name != "logoff", name != "challenge" {
            respond(.response("Error", actionID: actionID, message: "Permission denied"))
            return
        }
        guard let entry = ActionCatalog.entry(named: action) ?? legacyEntry(named: name) else {
            respond(.response("Error", actionID: actionID, message:
                "Invalid/unknown command: \(action). Use Action: ListCommands to show available commands."))
            return
        }
        if !entry.privilege.isEmpty, let user, user.write.intersection(entry.privilege).isEmpty {
            respond(.response("Error", actionID: actionID, message: "Permission denied"))
            return
        }
        dispatch(entry.name.lowercased(), request, actionID: actionID)
    }

    private func legacyEntry(named name: String) -> ActionCatalog.Entry? {
        guard state.options.legacyCommand, name == "queues" else { return nil }
        return ActionCatalog.Entry(name: "Queues", privilege: [], synopsis: "Queues.", headers: [])
    }

    func respond(_ packet: WirePacket) {
        output.writeResponse(packet.finished)
    }

    /// A response written in several parts (an event list: response, entries, end).
    func respond(text: String) {
        output.writeResponse(text)
    }

    private func dispatch(_ action: String, _ request: AMIPacket, actionID: String?) {
        switch action {
        case "login": login(request, actionID: actionID)
        case "logoff": logoff(actionID: actionID)
        case "challenge": issueChallenge(request, actionID: actionID)
        case "ping": ping(actionID: actionID)
        case "events": events(request, actionID: actionID)
        case "listcommands": listCommands(actionID: actionID)
        case "mailboxcount": mailboxCount(request, actionID: actionID)
        case "mailboxstatus": mailboxStatus(request, actionID: actionID)
        case "corestatus": coreStatus(actionID: actionID)
        case "coresettings": coreSettings(actionID: actionID)
        case "command": command(request, actionID: actionID)
        case "getvar": getvar(request, actionID: actionID)
        case "setvar": setvar(request, actionID: actionID)
        case "dbput": dbPut(request, actionID: actionID)
        case "dbget": dbGet(request, actionID: actionID)
        case "dbdel": dbDel(request, actionID: actionID)
        case "userevent": userEvent(request, actionID: actionID)
        case "voicemailuserslist": voicemailUsersList(actionID: actionID)
        case "coreshowchannels": coreShowChannels(actionID: actionID)
        case "originate": originate(request, actionID: actionID)
        case "hangup": hangup(request, actionID: actionID)
        case "queues": queues()
        default:
            respond(.response("Error", actionID: actionID, message: "Invalid/unknown command: \(action)."))
        }
    }

    // MARK: Authentication

    private func login(_ request: AMIPacket, actionID: String?) {
        if isAuthenticated {
            respond(.response("Success", actionID: actionID, message: "Already authenticated"))
            return
        }
        guard let user = authenticate(request) else {
            // Asterisk sleeps a second, answers, and ends the session.
            finished = true
            output.schedule(after: state.options.failedLoginDelay) { [self] in
                answering = "login"
                respond(.response("Error", actionID: actionID, message: "Authentication failed"))
                output.close()
            }
            return
        }
        self.user = user
        eventMask = Self.eventMask(request["Events"]) ?? .all
        respond(.response("Success", actionID: actionID, message: "Authentication accepted"))
        if faults.contains(.closeAfterLogin) {
            finished = true
            output.close()
            return
        }
        var booted = WirePacket.event("FullyBooted", privilege: .system)
        booted.add([("Uptime", "\(state.uptime)"), ("LastReload", "\(state.uptime)"), ("Status", "Fully Booted")])
        deliver(booted.finished, category: .system)
        let now = WireClock.now()
        var auth = WirePacket.event("SuccessfulAuth", privilege: .security)
        auth.add([
            ("EventTV", WireClock.eventTV(now)), ("Severity", "Informational"), ("Service", "AMI"),
            ("EventVersion", "1"), ("AccountID", user.name), ("SessionID", sessionPointer),
            ("LocalAddress", "IPV4/TCP/\(output.localAddress)/\(output.localPort)"),
            ("RemoteAddress", "IPV4/TCP/\(output.remoteAddress)/\(output.remotePort)"),
            ("UsingPassword", "0"), ("SessionTV", WireClock.eventTV(now)),
        ])
        state.broadcast(auth.finished, category: .security)
        if faults.contains(.flood) { startFlood() }
    }

    private func authenticate(_ request: AMIPacket) -> ManagerConfiguration.User? {
        guard let name = request["Username"], let user = state.options.manager.user(named: name),
              user.permits(address: output.remoteAddress) else { return nil }
        if let authType = request["AuthType"], authType.lowercased() == "md5" {
            guard let challenge, let key = request["Key"] else { return nil }
            return AMILogin.md5Key(challenge: challenge, secret: user.secret) == key.lowercased() ? user : nil
        }
        return request["Secret"] == user.secret ? user : nil
    }

    /// manager.c's set_eventmask: on/yes/true → all, off/no/false → none, or a class list.
    static func eventMask(_ value: String?) -> Privilege? {
        guard let value else { return nil }
        switch VisibleText.trimming(value.lowercased(), " ") {
        case "on", "yes", "true", "1": return .all
        case "off", "no", "false", "0": return []
        default: return Privilege(list: value)
        }
    }

    private func issueChallenge(_ request: AMIPacket, actionID: String?) {
        guard let authType = request["AuthType"], authType.lowercased() == "md5" else {
            respond(.response("Error", actionID: actionID, message: "Must specify AuthType"))
            return
        }
        if challenge == nil { challenge = String(UInt32.random(in: 1...2_147_483_647)) }
        var packet = WirePacket.response("Success", actionID: actionID)
        packet.add("Challenge", challenge ?? "")
        respond(packet)
    }

    private func logoff(actionID: String?) {
        respond(.response("Goodbye", actionID: actionID, message: "Thanks for all the fish."))
        finished = true
        output.close()
    }

    private func events(_ request: AMIPacket, actionID: String?) {
        let mask = Self.eventMask(request["EventMask"]) ?? []
        eventMask = mask
        var packet = WirePacket.response("Success", actionID: actionID)
        packet.add("Events", mask.isEmpty ? "Off" : "On")
        respond(packet)
    }

    private func ping(actionID: String?) {
        var packet = WirePacket.response("Success", actionID: actionID)
        packet.add([("Ping", "Pong"), ("Timestamp", WireClock.timestamp())])
        respond(packet)
    }

    private func listCommands(actionID: String?) {
        var packet = WirePacket.response("Success", actionID: actionID)
        let sorted = ActionCatalog.entries.sorted { $0.name.lowercased() < $1.name.lowercased() }
        for entry in sorted {
            packet.add(entry.name, " (Priv: \(entry.privilege.headerValue))")
        }
        respond(packet)
    }
}
