/// What is known of AMI actions without asking a server: each one's synopsis (Asterisk's
/// own, from `manager show command`), its usual headers and, for the actions amisim answers,
/// the privilege classes the real server requires (from its ListCommands answer,
/// tests/fixtures/ami-transcripts/asterisk-master/list-commands.jsonl). One table for the
/// REPL's completion and help and for the simulator.
public struct AMIActionInfo: Sendable {
    public let name: String
    public let synopsis: String
    public let headers: [String]
    /// Privilege class names (`system`, `reporting`...); empty: none needed, or not known.
    public let privilege: [String]
    /// amisim answers this action.
    public let simulated: Bool

    init(_ name: String, _ synopsis: String, headers: [String], privilege: [String] = [], simulated: Bool = false) {
        self.name = name
        self.synopsis = synopsis
        self.headers = headers
        self.privilege = privilege
        self.simulated = simulated
    }
}

public enum AMIActionCatalog {
    public static let all: [AMIActionInfo] = [
        AMIActionInfo("AbsoluteTimeout", "Set absolute timeout on a channel.", headers: ["Channel", "Timeout"]),
        AMIActionInfo("Atxfer", "Attended transfer.", headers: ["Channel", "Exten", "Context"]),
        AMIActionInfo("BlindTransfer", "Blind transfer a channel.", headers: ["Channel", "Context", "Exten"]),
        AMIActionInfo("Challenge", "Generate Challenge for MD5 Auth.", headers: ["AuthType"], privilege: [], simulated: true),
        AMIActionInfo("Command", "Execute Asterisk CLI Command.", headers: ["Command"], privilege: ["command"], simulated: true),
        AMIActionInfo("CoreSettings", "Show PBX core settings (version etc).", headers: [], privilege: ["system", "reporting"], simulated: true),
        AMIActionInfo("CoreShowChannels", "List currently active channels.", headers: [], privilege: ["system", "reporting"], simulated: true),
        AMIActionInfo("CoreStatus", "Show PBX core status variables.", headers: [], privilege: ["system", "reporting"], simulated: true),
        AMIActionInfo("DBDel", "Delete DB entry.", headers: ["Family", "Key"], privilege: ["system"], simulated: true),
        AMIActionInfo("DBDelTree", "Delete an AstDB tree.", headers: ["Family", "Key"]),
        AMIActionInfo("DBGet", "Get DB Entry.", headers: ["Family", "Key"], privilege: ["system", "reporting"], simulated: true),
        AMIActionInfo("DBPut", "Put DB entry.", headers: ["Family", "Key", "Val"], privilege: ["system"], simulated: true),
        AMIActionInfo("Events", "Control Event Flow.", headers: ["EventMask"], privilege: [], simulated: true),
        AMIActionInfo("ExtensionState", "Check the state of an extension.", headers: ["Exten", "Context"]),
        AMIActionInfo("Filter", "Dynamically add filters for the current session.", headers: ["Operation", "Filter"]),
        AMIActionInfo("GetConfig", "Retrieve a configuration file.", headers: ["Filename", "Category", "Filter"]),
        AMIActionInfo("Getvar", "Gets a channel variable or function value.", headers: ["Channel", "Variable"], privilege: ["call", "reporting"], simulated: true),
        AMIActionInfo("Hangup", "Hangup channel.", headers: ["Channel", "Cause"], privilege: ["system", "call"], simulated: true),
        AMIActionInfo("ListCommands", "List available manager commands.", headers: [], privilege: [], simulated: true),
        AMIActionInfo("Login", "Login Manager.", headers: ["Username", "Secret", "AuthType", "Key", "Events"], privilege: [], simulated: true),
        AMIActionInfo("Logoff", "Logoff Manager.", headers: [], privilege: [], simulated: true),
        AMIActionInfo("MailboxCount", "Check Mailbox Message Count.", headers: ["Mailbox"], privilege: ["call", "reporting"], simulated: true),
        AMIActionInfo("MailboxStatus", "Check mailbox.", headers: ["Mailbox"], privilege: ["call", "reporting"], simulated: true),
        AMIActionInfo("MixMonitor", "Record a call and mix the audio.", headers: ["Channel", "File", "Options"]),
        AMIActionInfo("Originate", "Originate a call.", headers: ["Channel", "Exten", "Context", "Priority", "Application", "Data", "Timeout", "CallerID", "Variable", "Account", "EarlyMedia", "Async", "Codecs", "ChannelId", "OtherChannelId"], privilege: ["originate"], simulated: true),
        AMIActionInfo("Park", "Park a channel.", headers: ["Channel", "TimeoutChannel", "Timeout", "Parkinglot"]),
        AMIActionInfo("ParkedCalls", "List parked calls.", headers: ["ParkingLot"]),
        AMIActionInfo("Ping", "Keepalive command.", headers: [], privilege: [], simulated: true),
        AMIActionInfo("PJSIPShowEndpoints", "List PJSIP endpoints.", headers: []),
        AMIActionInfo("PlayDTMF", "Play DTMF on a channel.", headers: ["Channel", "Digit", "Duration"]),
        AMIActionInfo("QueueAdd", "Add an interface to a queue.", headers: ["Queue", "Interface", "Penalty", "Paused", "MemberName"]),
        AMIActionInfo("QueuePause", "Pause or unpause a queue member.", headers: ["Interface", "Paused", "Queue", "Reason"]),
        AMIActionInfo("QueueRemove", "Remove an interface from a queue.", headers: ["Queue", "Interface"]),
        AMIActionInfo("QueueStatus", "Show queue status.", headers: ["Queue", "Member"]),
        AMIActionInfo("QueueSummary", "Show queue summary.", headers: ["Queue"]),
        AMIActionInfo("Redirect", "Redirect (transfer) a call.", headers: ["Channel", "ExtraChannel", "Exten", "Context", "Priority"]),
        AMIActionInfo("Reload", "Send a reload event.", headers: ["Module"]),
        AMIActionInfo("SendText", "Send text to a channel.", headers: ["Channel", "Message"]),
        AMIActionInfo("Setvar", "Sets a channel variable or function value.", headers: ["Channel", "Variable", "Value"], privilege: ["call"], simulated: true),
        AMIActionInfo("ShowDialPlan", "Show the dialplan.", headers: ["Extension", "Context"]),
        AMIActionInfo("SIPpeers", "List SIP peers (chan_sip).", headers: []),
        AMIActionInfo("Status", "List channel status.", headers: ["Channel", "Variables", "AllVariables"]),
        AMIActionInfo("StopMixMonitor", "Stop recording a call through MixMonitor.", headers: ["Channel", "MixMonitorID"]),
        AMIActionInfo("UserEvent", "Send an arbitrary event.", headers: ["UserEvent"], privilege: ["user"], simulated: true),
        AMIActionInfo("VoicemailUsersList", "List All Voicemail User Information.", headers: [], privilege: ["call", "reporting"], simulated: true),
        AMIActionInfo("WaitEvent", "Wait for an event to occur.", headers: ["Timeout"]),
    ]

    private static let byName = Dictionary(uniqueKeysWithValues: all.map { ($0.name.lowercased(), $0) })

    /// The action of that name, ignoring ASCII case.
    public static func action(named name: String) -> AMIActionInfo? {
        byName[name.lowercased()]
    }
}
