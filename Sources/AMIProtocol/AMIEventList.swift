/// How to tell where an event list ends (PROTOCOL.md item 6).
///
/// Modern servers mark lists: `EventList: start` on the response, `EventList: Complete` on
/// the closing event. Older ones send a response whose message says the list "will follow"
/// and close with an event that depends on the action, so the common ones are known here.
public enum AMIEventList {
    /// Closing events of older servers, by action (lowercased).
    public static let closingEvents: [String: String] = [
        "sippeers": "PeerlistComplete",
        "iaxpeers": "PeerlistComplete",
        "iaxpeerlist": "PeerlistComplete",
        "sipshowregistry": "RegistrationsComplete",
        "iaxregistry": "RegistrationsComplete",
        "dbget": "DBGetResponse",
        "status": "StatusComplete",
        "queuestatus": "QueueStatusComplete",
        "queuesummary": "QueueSummaryComplete",
        "coreshowchannels": "CoreShowChannelsComplete",
        "parkedcalls": "ParkedCallsComplete",
        "agents": "AgentsComplete",
        "voicemailuserslist": "VoicemailUserEntryComplete",
        "showdialplan": "ShowDialPlanComplete",
        "dahdishowchannels": "DAHDIShowChannelsComplete",
        "meetmelist": "MeetmeListComplete",
        "confbridgelist": "ConfbridgeListComplete",
        "confbridgelistrooms": "ConfbridgeListRoomsComplete",
        "pjsipshowendpoints": "EndpointListComplete",
        "pjsipshowendpoint": "EndpointDetailComplete",
        "pjsipshowcontacts": "ContactListComplete",
        "pjsipshowregistrationsoutbound": "OutboundRegistrationDetailComplete",
        "devicestatelist": "DeviceStateListComplete",
        "extensionstatelist": "ExtensionStateListComplete",
        "bridgelist": "BridgeListComplete",
        "bridgeinfo": "BridgeInfoComplete",
        "dbgettree": "DBGetTreeComplete",
    ]

    /// How the list that a response opens will end, or nil when the response opens none.
    public enum Ending: Sendable, Hashable {
        /// Modern: the event that carries `EventList: Complete`.
        case marked
        /// Older: the closing event known for the action, or any `...Complete` event.
        case namedEvent(String?)
    }

    /// How the list opened by this response to `action` ends, or nil when it opens none.
    public static func ending(of response: AMIPacket, action: String) -> Ending? {
        if let marker = response["EventList"] {
            return AMIHeader.namesEqual(marker, "start") ? .marked : nil
        }
        let closing = closingEvents[action.lowercased()]
        if let message = response["Message"], message.lowercased().contains("will follow") {
            return .namedEvent(closing)
        }
        if let status = response.response, AMIHeader.namesEqual(status, "Follows"), closing != nil {
            return .namedEvent(closing)
        }
        return nil
    }

    /// True when this event (already known to carry the action's ActionID) closes the list.
    public static func isLast(_ event: AMIPacket, of ending: Ending) -> Bool {
        switch ending {
        case .marked:
            return event["EventList"].map { AMIHeader.namesEqual($0, "Complete") } ?? false
        case .namedEvent(let closing):
            if let marker = event["EventList"], AMIHeader.namesEqual(marker, "Complete") { return true }
            guard let name = event.eventName else { return false }
            if let closing, AMIHeader.namesEqual(closing, name) { return true }
            return name.hasSuffix("Complete")
        }
    }
}
