import AMIProtocol

/// The actions the simulator answers, with the privilege each needs, as Asterisk's
/// `ListCommands` prints them (`Ping:  (Priv: <none>)`): the simulated entries of
/// `AMIActionCatalog`, their class names made into `Privilege` values.
enum ActionCatalog {
    struct Entry {
        let name: String
        let privilege: Privilege
        let synopsis: String
        let headers: [String]
    }

    /// The actions amisim answers, from the shared catalog, in its (alphabetical) order.
    static let entries: [Entry] = AMIActionCatalog.all.filter(\.simulated).map { action in
        Entry(name: action.name, privilege: Privilege(list: action.privilege.joined(separator: ",")),
              synopsis: action.synopsis, headers: action.headers)
    }

    private static let byName = Dictionary(uniqueKeysWithValues: entries.map { ($0.name.lowercased(), $0) })

    static func entry(named name: String) -> Entry? {
        byName[name.lowercased()]
    }
}
