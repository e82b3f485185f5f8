import NIOConcurrencyHelpers

/// Hands out ActionIDs unique on one connection (PROTOCOL.md item 16): a counter, so two
/// actions in the same millisecond still differ, behind a prefix that tells this client's
/// actions apart from another client's in a server log.
final class ActionIDGenerator: Sendable {
    private let prefix: String
    private let counter = NIOLockedValueBox(0)

    init(prefix: String) {
        self.prefix = prefix
    }

    func next() -> String {
        let number = counter.withLockedValue { value -> Int in
            value += 1
            return value
        }
        return "\(prefix)-\(number)"
    }
}
