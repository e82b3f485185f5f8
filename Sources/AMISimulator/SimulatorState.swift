import NIOConcurrencyHelpers

/// What all connections of one simulator share: its data, its clock, the calls in
/// progress, and the connected sessions events are delivered to.
final class SimulatorState: Sendable {
    struct Channel: Sendable {
        var name: String
        var state: Int
        var stateDescription: String
        var context: String
        var exten: String
        var priority: Int
        var uniqueID: String
        var linkedID: String
        var application: String
        var applicationData: String
        var created: Int
    }

    private struct Mutable {
        var data: SimulatorData
        var channels: [Channel] = []
        var uniqueSequence = 0
        var localSequence = 0
        var processedCalls = 0
        var sessions: [Int: EventSink] = [:]
        var nextSessionID = 0
    }

    let options: SimulatorOptions
    let startTime: Int
    private let mutable: NIOLockedValueBox<Mutable>

    init(options: SimulatorOptions) {
        self.options = options
        self.startTime = WireClock.now().seconds
        self.mutable = NIOLockedValueBox(Mutable(data: options.data))
    }

    var uptime: Int { WireClock.now().seconds - startTime }

    func withData<T>(_ body: (inout SimulatorData) -> T) -> T {
        mutable.withLockedValue { body(&$0.data) }
    }

    // MARK: Calls

    /// A fresh Uniqueid, `1795975542.0` style: start time and a sequence number.
    func nextUniqueID() -> String {
        mutable.withLockedValue { state in
            defer { state.uniqueSequence += 1 }
            return "\(WireClock.now().seconds).\(state.uniqueSequence)"
        }
    }

    /// The `00000000` part of a Local channel name.
    func nextLocalSequence() -> String {
        mutable.withLockedValue { state in
            defer { state.localSequence += 1 }
            let hex = String(state.localSequence, radix: 16)
            return String(repeating: "0", count: max(0, 8 - hex.count)) + hex
        }
    }

    func addChannels(_ channels: [Channel]) {
        mutable.withLockedValue { $0.channels.append(contentsOf: channels) }
    }

    func updateChannel(_ name: String, _ change: (inout Channel) -> Void) {
        mutable.withLockedValue { state in
            if let index = state.channels.firstIndex(where: { $0.name == name }) { change(&state.channels[index]) }
        }
    }

    func removeChannels(named names: Set<String>) {
        mutable.withLockedValue { state in
            state.channels.removeAll { names.contains($0.name) }
            state.processedCalls += 1
        }
    }

    var channels: [Channel] { mutable.withLockedValue { $0.channels } }
    var processedCalls: Int { mutable.withLockedValue { $0.processedCalls } }

    // MARK: Events

    /// Where a session takes the events meant for it.
    struct EventSink: Sendable {
        let deliver: @Sendable (_ text: String, _ category: Privilege) -> Void
        /// Ends the session (the server is shutting down).
        let close: @Sendable () -> Void
    }

    func register(_ sink: EventSink) -> Int {
        mutable.withLockedValue { state in
            state.nextSessionID += 1
            state.sessions[state.nextSessionID] = sink
            return state.nextSessionID
        }
    }

    func unregister(_ id: Int) {
        _ = mutable.withLockedValue { $0.sessions.removeValue(forKey: id) }
    }

    /// What Asterisk does when it stops: `Event: Shutdown` to every session, then close.
    func shutDown() {
        var event = WirePacket.event("Shutdown", privilege: .system)
        event.add([("Shutdown", "Cleanly"), ("Restart", "False")])
        broadcast(event.finished, category: .system)
        let sinks = mutable.withLockedValue { state in state.sessions.values }
        for sink in sinks { sink.close() }
    }

    /// Sends an event to every session; each one filters by its rights and event mask.
    func broadcast(_ text: String, category: Privilege) {
        let sinks = mutable.withLockedValue { state in
            state.sessions.sorted { $0.key < $1.key }.map(\.value)
        }
        for sink in sinks { sink.deliver(text, category) }
    }
}
