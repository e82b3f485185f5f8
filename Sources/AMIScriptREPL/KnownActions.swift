import AMIScriptLanguage

/// Common AMI actions, their headers and a one-line synopsis: completion and `help`
/// before login (after login, the server's ListCommands gives the names).
enum KnownActions {
    struct Action {
        let name: String
        let synopsis: String
        let headers: [String]
    }

    static let all: [Action] = [
        Action(name: "AbsoluteTimeout", synopsis: "Set absolute timeout on a channel.", headers: ["Channel", "Timeout"]),
        Action(name: "Atxfer", synopsis: "Attended transfer.", headers: ["Channel", "Exten", "Context"]),
        Action(name: "BlindTransfer", synopsis: "Blind transfer a channel.", headers: ["Channel", "Context", "Exten"]),
        Action(name: "Challenge", synopsis: "Generate a challenge for MD5 authentication.", headers: ["AuthType"]),
        Action(name: "Command", synopsis: "Execute an Asterisk CLI command.", headers: ["Command"]),
        Action(name: "CoreSettings", synopsis: "Show PBX core settings (version etc).", headers: []),
        Action(name: "CoreShowChannels", synopsis: "List currently active channels.", headers: []),
        Action(name: "CoreStatus", synopsis: "Show PBX core status variables.", headers: []),
        Action(name: "DBDel", synopsis: "Delete an AstDB entry.", headers: ["Family", "Key"]),
        Action(name: "DBDelTree", synopsis: "Delete an AstDB tree.", headers: ["Family", "Key"]),
        Action(name: "DBGet", synopsis: "Get an AstDB entry.", headers: ["Family", "Key"]),
        Action(name: "DBPut", synopsis: "Put an AstDB entry.", headers: ["Family", "Key", "Val"]),
        Action(name: "Events", synopsis: "Control the event flow.", headers: ["EventMask"]),
        Action(name: "ExtensionState", synopsis: "Check the state of an extension.", headers: ["Exten", "Context"]),
        Action(name: "Filter", synopsis: "Dynamically add filters for the current session.", headers: ["Operation", "Filter"]),
        Action(name: "GetConfig", synopsis: "Retrieve a configuration file.", headers: ["Filename", "Category", "Filter"]),
        Action(name: "Getvar", synopsis: "Get a channel variable or function value.", headers: ["Channel", "Variable"]),
        Action(name: "Hangup", synopsis: "Hang up a channel.", headers: ["Channel", "Cause"]),
        Action(name: "ListCommands", synopsis: "List the available manager actions.", headers: []),
        Action(name: "Login", synopsis: "Log in to the manager.", headers: ["Username", "Secret", "AuthType", "Key", "Events"]),
        Action(name: "Logoff", synopsis: "Log off from the manager.", headers: []),
        Action(name: "MailboxCount", synopsis: "Count the messages in a mailbox.", headers: ["Mailbox"]),
        Action(name: "MailboxStatus", synopsis: "Check whether a mailbox has new messages.", headers: ["Mailbox"]),
        Action(name: "MixMonitor", synopsis: "Record a call and mix the audio.", headers: ["Channel", "File", "Options"]),
        Action(name: "Originate", synopsis: "Originate a call.", headers: [
            "Channel", "Exten", "Context", "Priority", "Application", "Data", "Timeout", "CallerID", "Variable",
            "Account", "EarlyMedia", "Async", "Codecs", "ChannelId", "OtherChannelId",
        ]),
        Action(name: "Park", synopsis: "Park a channel.", headers: ["Channel", "TimeoutChannel", "Timeout", "Parkinglot"]),
        Action(name: "ParkedCalls", synopsis: "List parked calls.", headers: ["ParkingLot"]),
        Action(name: "PJSIPShowEndpoints", synopsis: "List PJSIP endpoints.", headers: []),
        Action(name: "Ping", synopsis: "Keepalive.", headers: []),
        Action(name: "PlayDTMF", synopsis: "Play DTMF on a channel.", headers: ["Channel", "Digit", "Duration"]),
        Action(name: "QueueAdd", synopsis: "Add an interface to a queue.", headers: ["Queue", "Interface", "Penalty", "Paused", "MemberName"]),
        Action(name: "QueuePause", synopsis: "Pause or unpause a queue member.", headers: ["Interface", "Paused", "Queue", "Reason"]),
        Action(name: "QueueRemove", synopsis: "Remove an interface from a queue.", headers: ["Queue", "Interface"]),
        Action(name: "QueueStatus", synopsis: "Show queue status.", headers: ["Queue", "Member"]),
        Action(name: "QueueSummary", synopsis: "Show queue summary.", headers: ["Queue"]),
        Action(name: "Redirect", synopsis: "Redirect (transfer) a call.", headers: ["Channel", "ExtraChannel", "Exten", "Context", "Priority"]),
        Action(name: "Reload", synopsis: "Send a reload event.", headers: ["Module"]),
        Action(name: "SendText", synopsis: "Send text to a channel.", headers: ["Channel", "Message"]),
        Action(name: "Setvar", synopsis: "Set a channel variable or function value.", headers: ["Channel", "Variable", "Value"]),
        Action(name: "ShowDialPlan", synopsis: "Show the dialplan.", headers: ["Extension", "Context"]),
        Action(name: "SIPpeers", synopsis: "List SIP peers (chan_sip).", headers: []),
        Action(name: "Status", synopsis: "List channel status.", headers: ["Channel", "Variables", "AllVariables"]),
        Action(name: "StopMixMonitor", synopsis: "Stop recording a call through MixMonitor.", headers: ["Channel", "MixMonitorID"]),
        Action(name: "UserEvent", synopsis: "Send an arbitrary event.", headers: ["UserEvent"]),
        Action(name: "VoicemailUsersList", synopsis: "List all voicemail users.", headers: []),
        Action(name: "WaitEvent", synopsis: "Wait for an event to occur.", headers: ["Timeout"]),
    ]

    static func action(named name: String) -> Action? {
        all.first { $0.name.lowercased() == name.lowercased() }
    }
}

/// The statements and built-ins, for completion and `help`.
enum LanguageWords {
    static let statements = Parser.statementNames
    static let builtins = Builtins.orderedNames.map { $0 + "(" }
    /// Commands of the REPL itself.
    static let replCommands = ["help", "events"]
}
