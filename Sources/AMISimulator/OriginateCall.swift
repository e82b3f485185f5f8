import AMIProtocol

/// A call placed by Originate into the test context, with the event sequence the real
/// server sent (tests/fixtures/ami-transcripts/asterisk-master/originate-events.jsonl): two Local
/// channel halves come up, the `;2` half answers, and after the context's Wait the call
/// hangs up.
enum OriginateCall {
    static func snapshot(_ channel: SimulatorState.Channel, prefix: String = "") -> [(String, String)] {
        [
            ("\(prefix)Channel", channel.name), ("\(prefix)ChannelState", "\(channel.state)"),
            ("\(prefix)ChannelStateDesc", channel.stateDescription),
            ("\(prefix)CallerIDNum", "<unknown>"), ("\(prefix)CallerIDName", "<unknown>"),
            ("\(prefix)ConnectedLineNum", "<unknown>"), ("\(prefix)ConnectedLineName", "<unknown>"),
            ("\(prefix)Language", "en"), ("\(prefix)AccountCode", ""), ("\(prefix)Context", channel.context),
            ("\(prefix)Exten", channel.exten), ("\(prefix)Priority", "\(channel.priority)"),
            ("\(prefix)Uniqueid", channel.uniqueID), ("\(prefix)Linkedid", channel.linkedID),
        ]
    }

    static func event(_ name: String, _ category: Privilege, _ fields: [(String, String)]) -> String {
        var packet = WirePacket.event(name, privilege: category)
        packet.add(fields)
        return packet.finished
    }
}

extension ManagerSession {
    func originate(_ request: AMIPacket, actionID: String?) {
        guard let target = request["Channel"], !target.isEmpty else {
            respond(.response("Error", actionID: actionID, message: "Channel not specified"))
            return
        }
        let application = request["Application"].flatMap { $0.isEmpty ? nil : $0 }
        let exten = request["Exten"].flatMap { $0.isEmpty ? nil : $0 }
        if application == nil, exten == nil {
            respond(.response("Error", actionID: actionID, message: "Exten not specified"))
            return
        }
        respond(.response("Success", actionID: actionID, message: "Originate successfully queued"))

        var result: [(String, String)] = []
        if let actionID, !actionID.isEmpty { result.append(("ActionID", actionID)) }

        // Only `Local/s@<test context>` reaches a dialplan that answers.
        let testTarget = "Local/s@\(state.options.data.testContext)"
        guard target.lowercased() == testTarget.lowercased() else {
            result += [("Response", "Failure"), ("Channel", target)]
            if let application {
                result += [("Application", application), ("Data", request["Data"] ?? "")]
            } else {
                result += [("Context", request["Context"] ?? ""), ("Exten", exten ?? "")]
            }
            result += [("Reason", "0"), ("Uniqueid", "<null>"), ("CallerIDNum", "<unknown>"), ("CallerIDName", "<unknown>")]
            state.broadcast(OriginateCall.event("OriginateResponse", .call, result), category: .call)
            return
        }
        placeCall(target: target, application: application, data: request["Data"] ?? "",
                  exten: exten, context: request["Context"] ?? "", resultPrefix: result)
    }

    private func placeCall(
        target: String, application: String?, data: String, exten: String?, context: String,
        resultPrefix: [(String, String)]
    ) {
        let testContext = state.options.data.testContext
        let sequence = state.nextLocalSequence()
        let id1 = state.nextUniqueID()
        let id2 = state.nextUniqueID()
        let now = WireClock.now().seconds
        var one = SimulatorState.Channel(
            name: "Local/s@\(testContext)-\(sequence);1", state: 0, stateDescription: "Down", context: testContext,
            exten: "s", priority: 1, uniqueID: id1, linkedID: id1, application: "AppDial2",
            applicationData: "(Outgoing Line)", created: now)
        var two = SimulatorState.Channel(
            name: "Local/s@\(testContext)-\(sequence);2", state: 4, stateDescription: "Ring", context: testContext,
            exten: "s", priority: 1, uniqueID: id2, linkedID: id1, application: "Answer", applicationData: "",
            created: now)
        state.addChannels([one, two])
        let snap = OriginateCall.snapshot
        var events: [(String, Privilege, [(String, String)])] = []
        events.append(("Newchannel", .call, snap(one, "")))
        events.append(("Newchannel", .call, snap(two, "")))
        events.append(("Newexten", .dialplan, snap(one, "") + [("Extension", "s"), ("Application", "AppDial2"), ("AppData", "(Outgoing Line)")]))
        events.append(("LocalBridge", .call, snap(one, "LocalOne") + snap(two, "LocalTwo")
            + [("Context", testContext), ("Exten", "s"), ("LocalOptimization", "Yes")]))
        events.append(("DialBegin", .call, snap(one, "Dest") + [("DialString", "s@\(testContext)")]))
        events.append(("Newexten", .dialplan, snap(two, "") + [("Extension", "s"), ("Application", "Answer"), ("AppData", "")]))
        two.state = 6; two.stateDescription = "Up"
        one.state = 6; one.stateDescription = "Up"
        one.application = application ?? "AppDial2"
        one.applicationData = application != nil ? data : "(Outgoing Line)"
        two.application = "Wait"; two.applicationData = "2"
        state.updateChannel(two.name) { $0 = two }
        state.updateChannel(one.name) { $0 = one }
        events.append(("Newstate", .call, snap(two, "")))
        events.append(("Newstate", .call, snap(one, "")))
        events.append(("DialEnd", .call, snap(one, "Dest") + [("DialStatus", "ANSWER")]))
        var result = resultPrefix + [("Response", "Success"), ("Channel", one.name)]
        if let application {
            result += [("Application", application), ("Data", data)]
        } else {
            result += [("Context", context), ("Exten", exten ?? "")]
        }
        result += [("Reason", "4"), ("Uniqueid", id1), ("CallerIDNum", "<unknown>"), ("CallerIDName", "<unknown>")]
        events.append(("OriginateResponse", .call, result))
        let device = "Local/s@\(testContext)"
        events.append(("DeviceStateChange", .call, [("Device", device), ("State", "INUSE")]))
        events.append(("DeviceStateChange", .call, [("Device", device), ("State", "INUSE")]))
        emit(events)

        let ended = (one, two)
        output.schedule(after: state.options.data.callSeconds) { [self] in
            self.hangUp(ended.0, ended.1, cause: "0")
        }
    }

    /// The hangup half of a call's events; nothing when the call is already gone.
    func hangUp(_ one: SimulatorState.Channel, _ two: SimulatorState.Channel, cause: String) {
        let names = Set(state.channels.map(\.name))
        guard names.contains(one.name) || names.contains(two.name) else { return }
        var two = two
        two.priority = 2
        let snap = OriginateCall.snapshot
        let device = "Local/s@\(state.options.data.testContext)"
        emit([
            ("Newexten", .dialplan, snap(two, "") + [("Extension", "s"), ("Application", "Wait"), ("AppData", "2")]),
            ("HangupRequest", .call, snap(two, "") + [("Cause", cause)]),
            ("Hangup", .call, snap(one, "") + [("Cause", cause), ("Cause-txt", "Unknown")]),
            ("SoftHangupRequest", .call, snap(two, "") + [("Cause", "16")]),
            ("Hangup", .call, snap(two, "") + [("Cause", cause), ("Cause-txt", "Unknown")]),
            ("DeviceStateChange", .call, [("Device", device), ("State", "NOT_INUSE")]),
            ("DeviceStateChange", .call, [("Device", device), ("State", "NOT_INUSE")]),
        ])
        state.removeChannels(named: [one.name, two.name])
    }

    private func emit(_ events: [(String, Privilege, [(String, String)])]) {
        for (name, category, fields) in events {
            state.broadcast(OriginateCall.event(name, category, fields), category: category)
        }
    }

    func hangup(_ request: AMIPacket, actionID: String?) {
        guard let name = request["Channel"], !name.isEmpty else {
            respond(.response("Error", actionID: actionID, message: "No channel specified"))
            return
        }
        let channels = state.channels
        guard let channel = channels.first(where: { $0.name == name }) else {
            respond(.response("Error", actionID: actionID, message: "No such channel"))
            return
        }
        respond(.response("Success", actionID: actionID, message: "Channel Hungup"))
        let base = String(channel.name.dropLast(2))
        let one = channels.first { $0.name == base + ";1" } ?? channel
        let two = channels.first { $0.name == base + ";2" } ?? channel
        hangUp(one, two, cause: request["Cause"] ?? "16")
    }
}
