/// The actions the simulator answers, with the privilege each needs, as Asterisk's
/// `ListCommands` prints them (`Ping:  (Priv: <none>)`). The classes are copied from the
/// real server's answer (tests/fixtures/ami-transcripts/asterisk-master/list-commands.jsonl).
enum ActionCatalog {
    struct Entry {
        let name: String
        let privilege: Privilege
        let synopsis: String
        let headers: [String]
    }

    static let entries: [Entry] = [
        Entry(name: "Challenge", privilege: [], synopsis: "Generate Challenge for MD5 Auth.", headers: ["AuthType"]),
        Entry(name: "Command", privilege: [.command], synopsis: "Execute Asterisk CLI Command.", headers: ["Command"]),
        Entry(name: "CoreSettings", privilege: [.system, .reporting], synopsis: "Show PBX core settings (version etc).", headers: []),
        Entry(name: "CoreShowChannels", privilege: [.system, .reporting], synopsis: "List currently active channels.", headers: []),
        Entry(name: "CoreStatus", privilege: [.system, .reporting], synopsis: "Show PBX core status variables.", headers: []),
        Entry(name: "DBDel", privilege: [.system], synopsis: "Delete DB entry.", headers: ["Family", "Key"]),
        Entry(name: "DBGet", privilege: [.system, .reporting], synopsis: "Get DB Entry.", headers: ["Family", "Key"]),
        Entry(name: "DBPut", privilege: [.system], synopsis: "Put DB entry.", headers: ["Family", "Key", "Val"]),
        Entry(name: "Events", privilege: [], synopsis: "Control Event Flow.", headers: ["EventMask"]),
        Entry(name: "Getvar", privilege: [.call, .reporting], synopsis: "Gets a channel variable or function value.", headers: ["Channel", "Variable"]),
        Entry(name: "Hangup", privilege: [.system, .call], synopsis: "Hangup channel.", headers: ["Channel", "Cause"]),
        Entry(name: "ListCommands", privilege: [], synopsis: "List available manager commands.", headers: []),
        Entry(name: "Login", privilege: [], synopsis: "Login Manager.", headers: ["Username", "Secret", "AuthType", "Key", "Events"]),
        Entry(name: "Logoff", privilege: [], synopsis: "Logoff Manager.", headers: []),
        Entry(name: "MailboxCount", privilege: [.call, .reporting], synopsis: "Check Mailbox Message Count.", headers: ["Mailbox"]),
        Entry(name: "MailboxStatus", privilege: [.call, .reporting], synopsis: "Check mailbox.", headers: ["Mailbox"]),
        Entry(name: "Originate", privilege: [.originate], synopsis: "Originate a call.", headers: ["Channel", "Exten", "Context", "Priority", "Application", "Data", "Timeout", "CallerID", "Variable", "Account", "Async"]),
        Entry(name: "Ping", privilege: [], synopsis: "Keepalive command.", headers: []),
        Entry(name: "Setvar", privilege: [.call], synopsis: "Sets a channel variable or function value.", headers: ["Channel", "Variable", "Value"]),
        Entry(name: "UserEvent", privilege: [.user], synopsis: "Send an arbitrary event.", headers: ["UserEvent"]),
        Entry(name: "VoicemailUsersList", privilege: [.call, .reporting], synopsis: "List All Voicemail User Information.", headers: []),
    ]

    private static let byName = Dictionary(uniqueKeysWithValues: entries.map { ($0.name.lowercased(), $0) })

    static func entry(named name: String) -> Entry? {
        byName[name.lowercased()]
    }
}
