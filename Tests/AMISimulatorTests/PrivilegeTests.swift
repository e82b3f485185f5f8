import AMISimulator
import Testing

/// Privilege lists as manager.conf and events write them.
@Suite struct PrivilegeTests {
    @Test func parsesListsAndAll() {
        #expect(Privilege(list: "system, call ,LOG") == [.system, .call, .log])
        #expect(Privilege(list: "all") == .all)
        #expect(Privilege(list: "nonsense") == [])
    }

    @Test(arguments: [
        (Privilege.call, "call,all"), (Privilege([.system, .reporting]), "system,reporting,all"),
        (Privilege.security, "security,all"), (Privilege([]), "<none>"),
    ])
    func headerValueMatchesAsterisk(privilege: Privilege, text: String) {
        #expect(privilege.headerValue == text)
    }
}
