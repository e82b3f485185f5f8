/// What the simulated Asterisk knows: voicemail boxes, the AstDB, global variables.
/// The defaults are those of the server the transcripts were recorded on.
public struct SimulatorData: Sendable, Hashable {
    public struct Mailbox: Sendable, Hashable {
        public var context: String
        public var mailbox: String
        public var fullName: String
        public var email: String
        public var newMessages: Int
        public var oldMessages: Int
        public var urgentMessages: Int

        public init(
            context: String, mailbox: String, fullName: String, email: String = "root@localhost",
            newMessages: Int = 0, oldMessages: Int = 0, urgentMessages: Int = 0
        ) {
            self.context = context
            self.mailbox = mailbox
            self.fullName = fullName
            self.email = email
            self.newMessages = newMessages
            self.oldMessages = oldMessages
            self.urgentMessages = urgentMessages
        }

        /// `123@default`
        public var address: String { "\(mailbox)@\(context)" }
    }

    /// In the order `voicemail show users` and VoicemailUsersList list them.
    public var mailboxes: [Mailbox]
    /// AstDB entries by `family/key`.
    public var database: [String: String]
    /// Global dialplan variables (Getvar/Setvar without a channel).
    public var globals: [String: String]
    /// The dialplan context whose `s` extension answers, waits and hangs up.
    public var testContext: String
    /// How long a call into the test context lasts before it hangs up (Wait(2) there).
    public var callSeconds: Double

    public init(
        mailboxes: [Mailbox], database: [String: String] = [:], globals: [String: String] = [:],
        testContext: String = "amitest", callSeconds: Double = 2
    ) {
        self.mailboxes = mailboxes
        self.database = database
        self.globals = globals
        self.testContext = testContext
        self.callSeconds = callSeconds
    }

    public static let standard = SimulatorData(mailboxes: [
        Mailbox(context: "default", mailbox: "1234", fullName: "Example Mailbox"),
        Mailbox(context: "default", mailbox: "123", fullName: "Seed Mailbox"),
        Mailbox(context: "default", mailbox: "200", fullName: "Busy Mailbox", newMessages: 3, oldMessages: 2),
        Mailbox(context: "myaliases", mailbox: "1234@devices", fullName: "", email: "(null)"),
        Mailbox(context: "other", mailbox: "1234", fullName: "Company2 User"),
    ])

    /// The box for `123@default` (`123` alone means `@default`), or nil.
    public func mailbox(_ address: String) -> Mailbox? {
        let (box, context) = SimulatorData.split(address)
        return mailboxes.first { $0.mailbox == box && $0.context.lowercased() == context.lowercased() }
    }

    /// Sets a box's counts, creating it when missing (`--mailbox 300@default=1,4`).
    public mutating func setMailbox(_ address: String, new: Int, old: Int) {
        let (box, context) = SimulatorData.split(address)
        if let index = mailboxes.firstIndex(where: { $0.mailbox == box && $0.context == context }) {
            mailboxes[index].newMessages = new
            mailboxes[index].oldMessages = old
        } else {
            mailboxes.append(Mailbox(context: context, mailbox: box, fullName: "", newMessages: new, oldMessages: old))
        }
    }

    static func split(_ address: String) -> (box: String, context: String) {
        // The context is after the last '@', so `1234@devices@myaliases` works too.
        guard let at = address.lastIndex(of: "@") else { return (address, "default") }
        return (String(address[..<at]), String(address[address.index(after: at)...]))
    }
}
