import AMIProtocol

/// The plain request/response actions (everything but login, lists and calls).
extension ManagerSession {
    func mailboxCount(_ request: AMIPacket, actionID: String?) {
        guard let address = request["Mailbox"], !address.isEmpty else {
            respond(.response("Error", actionID: actionID, message: "Mailbox not specified"))
            return
        }
        let box = state.withData { $0.mailbox(address) }
        var packet = WirePacket.response("Success", actionID: actionID, message: "Mailbox Message Count")
        packet.add([
            ("Mailbox", address),
            ("UrgMessages", "\(box?.urgentMessages ?? 0)"),
            ("NewMessages", "\(box?.newMessages ?? 0)"),
            ("OldMessages", "\(box?.oldMessages ?? 0)"),
        ])
        respond(packet)
    }

    func mailboxStatus(_ request: AMIPacket, actionID: String?) {
        guard let address = request["Mailbox"], !address.isEmpty else {
            respond(.response("Error", actionID: actionID, message: "Mailbox not specified"))
            return
        }
        let waiting = (state.withData { $0.mailbox(address) }?.newMessages ?? 0) > 0
        var packet = WirePacket.response("Success", actionID: actionID, message: "Mailbox Status")
        packet.add([("Mailbox", address), ("Waiting", waiting ? "1" : "0")])
        respond(packet)
    }

    func coreStatus(actionID: String?) {
        let (date, time) = WireClock.dateAndTime(state.startTime)
        var packet = WirePacket.response("Success", actionID: actionID)
        packet.add([
            ("CoreStartupDate", date), ("CoreStartupTime", time),
            ("CoreReloadDate", date), ("CoreReloadTime", time),
            ("CoreCurrentCalls", "\(state.channels.count)"),
            ("CoreProcessedCalls", "\(state.processedCalls)"),
        ])
        respond(packet)
    }

    func coreSettings(actionID: String?) {
        var packet = WirePacket.response("Success", actionID: actionID)
        packet.add([
            ("AMIversion", "13.0.0"), ("AsteriskVersion", "GIT-master-f0c1c1a7b7"), ("SystemName", ""),
            ("CoreMaxCalls", "0"), ("CoreMaxLoadAvg", "0.000000"), ("CoreRunUser", ""), ("CoreRunGroup", ""),
            ("CoreMaxFilehandles", "0"), ("CoreRealTimeEnabled", "No"), ("CoreCDRenabled", "Yes"),
            ("CoreHTTPenabled", "No"), ("SoundsSearchCustomDir", "No"),
        ])
        respond(packet)
    }

    func command(_ request: AMIPacket, actionID: String?) {
        guard let commandLine = request["Command"], !commandLine.isEmpty else {
            respond(.response("Error", actionID: actionID, message: "No command provided"))
            return
        }
        let result = CommandLineInterface(state: state).run(commandLine)
        if state.options.legacyCommand {
            // Asterisk before 14: raw CLI text with LF line ends, then the marker.
            var text = "Response: Follows\r\nPrivilege: Command\r\n"
            if let actionID, !actionID.isEmpty { text += "ActionID: \(actionID)\r\n" }
            for line in result.lines { text += line + "\n" }
            text += "--END COMMAND--\r\n\r\n"
            respond(text: text)
            return
        }
        var packet = WirePacket.response(result.succeeded ? "Success" : "Error", actionID: actionID,
                                         message: "Command output follows")
        for line in result.lines { packet.add("Output", line) }
        respond(packet)
    }

    func getvar(_ request: AMIPacket, actionID: String?) {
        guard let variable = request["Variable"], !variable.isEmpty else {
            respond(.response("Error", actionID: actionID, message: "No variable specified"))
            return
        }
        if let channel = request["Channel"], !channel.isEmpty,
           !state.channels.contains(where: { $0.name == channel }) {
            respond(.response("Error", actionID: actionID, message: "No such channel"))
            return
        }
        let value = state.withData { $0.globals[variable] } ?? ""
        var packet = WirePacket.response("Success", actionID: actionID)
        packet.add([("Variable", variable), ("Value", value)])
        respond(packet)
    }

    func setvar(_ request: AMIPacket, actionID: String?) {
        guard let variable = request["Variable"], !variable.isEmpty else {
            respond(.response("Error", actionID: actionID, message: "No variable specified"))
            return
        }
        if let channel = request["Channel"], !channel.isEmpty,
           !state.channels.contains(where: { $0.name == channel }) {
            respond(.response("Error", actionID: actionID, message: "No such channel"))
            return
        }
        let value = request["Value"] ?? ""
        state.withData { $0.globals[variable] = value }
        respond(.response("Success", actionID: actionID, message: "Variable Set"))
    }

    func dbPut(_ request: AMIPacket, actionID: String?) {
        guard let (family, key) = familyAndKey(request, actionID: actionID) else { return }
        let value = request["Val"] ?? request["Value"] ?? ""
        state.withData { $0.database["\(family)/\(key)"] = value }
        respond(.response("Success", actionID: actionID, message: "Updated database successfully"))
    }

    func dbGet(_ request: AMIPacket, actionID: String?) {
        guard let (family, key) = familyAndKey(request, actionID: actionID) else { return }
        guard let value = state.withData({ $0.database["\(family)/\(key)"] }) else {
            respond(.response("Error", actionID: actionID, message: "Database entry not found"))
            return
        }
        var start = WirePacket.response("Success", actionID: actionID)
        start.add([("EventList", "start"), ("Message", "Result will follow")])
        var entry = WirePacket.event("DBGetResponse", privilege: nil)
        entry.add([("Family", family), ("Key", key), ("Val", value)])
        if let actionID, !actionID.isEmpty { entry.add("ActionID", actionID) }
        respond(text: start.finished + entry.finished + listComplete("DBGetComplete", actionID: actionID, items: 1))
    }

    func dbDel(_ request: AMIPacket, actionID: String?) {
        guard let (family, key) = familyAndKey(request, actionID: actionID) else { return }
        let removed = state.withData { $0.database.removeValue(forKey: "\(family)/\(key)") } != nil
        respond(removed
            ? .response("Success", actionID: actionID, message: "Key deleted successfully")
            : .response("Error", actionID: actionID, message: "Database entry not found"))
    }

    private func familyAndKey(_ request: AMIPacket, actionID: String?) -> (String, String)? {
        guard let family = request["Family"], !family.isEmpty else {
            respond(.response("Error", actionID: actionID, message: "No family specified."))
            return nil
        }
        guard let key = request["Key"], !key.isEmpty else {
            respond(.response("Error", actionID: actionID, message: "No key specified."))
            return nil
        }
        return (family, key)
    }

    func userEvent(_ request: AMIPacket, actionID: String?) {
        guard let name = request["UserEvent"], !name.isEmpty else {
            respond(.response("Error", actionID: actionID, message: "UserEvent header missing"))
            return
        }
        respond(.response("Success", actionID: actionID, message: "Event Sent"))
        // Like action_userevent: every request line but Action and UserEvent, as sent.
        var event = WirePacket.event("UserEvent", privilege: .user)
        event.add("UserEvent", name)
        for header in request.headers where !header.hasName("Action") && !header.hasName("UserEvent") {
            event.addLine("\(header.name): \(header.value)")
        }
        state.broadcast(event.finished, category: .user)
    }

    func voicemailUsersList(actionID: String?) {
        let boxes = state.withData { $0.mailboxes }
        var start = WirePacket.response("Success", actionID: actionID)
        start.add([("EventList", "start"), ("Message", "Voicemail user list will follow")])
        var text = start.finished
        for box in boxes {
            var entry = WirePacket.event("VoicemailUserEntry", privilege: nil)
            if let actionID, !actionID.isEmpty { entry.add("ActionID", actionID) }
            entry.add([
                ("VMContext", box.context), ("VoiceMailbox", box.mailbox), ("Fullname", box.fullName),
                ("Email", box.email), ("Pager", ""), ("ServerEmail", "asterisk"), ("FromString", ""),
                ("MailCommand", "/usr/sbin/sendmail -t"), ("Language", ""), ("TimeZone", ""), ("Callback", ""),
                ("Dialout", ""), ("UniqueID", ""), ("ExitContext", ""), ("SayDurationMinimum", "2"),
                ("SayEnvelope", "Yes"), ("SayCID", "No"), ("AttachMessage", "Yes"), ("AttachmentFormat", ""),
                ("DeleteMessage", "No"), ("VolumeGain", "0.00"), ("CanReview", "No"), ("CanMarkUrgent", "Yes"),
                ("CallOperator", "No"), ("MaxMessageCount", "100"), ("MaxMessageLength", "0"),
                ("NewMessageCount", "\(box.newMessages)"), ("OldMessageCount", "\(box.oldMessages)"),
            ])
            text += entry.finished
        }
        respond(text: text + listComplete("VoicemailUserEntryComplete", actionID: actionID, items: boxes.count))
    }

    func coreShowChannels(actionID: String?) {
        let channels = state.channels
        var start = WirePacket.response("Success", actionID: actionID)
        start.add([("EventList", "start"), ("Message", "Channels will follow")])
        var text = start.finished
        let now = WireClock.now().seconds
        for channel in channels {
            var entry = WirePacket.event("CoreShowChannel", privilege: nil)
            if let actionID, !actionID.isEmpty { entry.add("ActionID", actionID) }
            entry.add(OriginateCall.snapshot(channel))
            let seconds = max(0, now - channel.created)
            entry.add([
                ("Application", channel.application), ("ApplicationData", channel.applicationData),
                ("Duration", "\(WireClock.pad(seconds / 3600, 2)):\(WireClock.pad(seconds / 60 % 60, 2)):\(WireClock.pad(seconds % 60, 2))"),
                ("BridgeId", ""),
            ])
            text += entry.finished
        }
        respond(text: text + listComplete("CoreShowChannelsComplete", actionID: actionID, items: channels.count))
    }

    func listComplete(_ name: String, actionID: String?, items: Int) -> String {
        var end = WirePacket.event(name, privilege: nil)
        if let actionID, !actionID.isEmpty { end.add("ActionID", actionID) }
        end.add([("EventList", "Complete"), ("ListItems", "\(items)")])
        return end.finished
    }

    /// The old `Queues` action: plain CLI text, no headers at all (PROTOCOL.md item 15).
    func queues() {
        respond(text: "default has 0 calls (max unlimited) in 'ringall' strategy (0s holdtime, 0s talktime), "
            + "W:0, C:0, A:0, SL:0.0%, SL2:0.0% within 0s\r\n   No Members\r\n   No Callers\r\n\r\n")
    }
}
