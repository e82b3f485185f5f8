import AMIProtocol
/// Asterisk's manager privilege classes (`read =` / `write =` in manager.conf, the
/// `Privilege:` header of events, the `Priv:` column of ListCommands).
public struct Privilege: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// In Asterisk's order, which is the order `Privilege:` headers list them in.
    public static let named: [(String, Privilege)] = AMIEventClass.names.enumerated().map {
        ($0.element, Privilege(rawValue: 1 << UInt32($0.offset)))
    }

    public static let system = Privilege(rawValue: 1 << 0)
    public static let call = Privilege(rawValue: 1 << 1)
    public static let log = Privilege(rawValue: 1 << 2)
    public static let verbose = Privilege(rawValue: 1 << 3)
    public static let command = Privilege(rawValue: 1 << 4)
    public static let agent = Privilege(rawValue: 1 << 5)
    public static let user = Privilege(rawValue: 1 << 6)
    public static let config = Privilege(rawValue: 1 << 7)
    public static let dtmf = Privilege(rawValue: 1 << 8)
    public static let reporting = Privilege(rawValue: 1 << 9)
    public static let cdr = Privilege(rawValue: 1 << 10)
    public static let dialplan = Privilege(rawValue: 1 << 11)
    public static let originate = Privilege(rawValue: 1 << 12)
    public static let agi = Privilege(rawValue: 1 << 13)
    public static let cc = Privilege(rawValue: 1 << 14)
    public static let aoc = Privilege(rawValue: 1 << 15)
    public static let test = Privilege(rawValue: 1 << 16)
    public static let security = Privilege(rawValue: 1 << 17)
    public static let message = Privilege(rawValue: 1 << 18)
    public static let all = Privilege(rawValue: (1 << 19) - 1)

    /// Parses `system,call,log` (and `all`); unknown words are ignored, as Asterisk does.
    public init(list: String) {
        var result: Privilege = []
        for word in list.split(separator: ",") {
            let name = VisibleText.trimming(word, " \t").lowercased()
            if name == "all" {
                result = .all
            } else if let match = Privilege.named.first(where: { $0.0 == name }) {
                result.insert(match.1)
            }
        }
        self = result
    }

    /// `call,all`, as in an event's `Privilege:` header; `<none>` for none.
    public var headerValue: String {
        if isEmpty { return "<none>" }
        let names = Privilege.named.filter { contains($0.1) }.map(\.0)
        return (names + ["all"]).joined(separator: ",")
    }
}
