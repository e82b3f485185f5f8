/// The answer to one action: its response and, for an event list, the list's events
/// (the closing `...Complete` event is kept separately, as `listEnd`).
public struct AMIActionResult: Sendable, Hashable {
    public var actionID: String
    public var response: AMIPacket
    public var events: [AMIPacket]
    public var listEnd: AMIPacket?

    public init(actionID: String, response: AMIPacket, events: [AMIPacket] = [], listEnd: AMIPacket? = nil) {
        self.actionID = actionID
        self.response = response
        self.events = events
        self.listEnd = listEnd
    }

    /// True for `Response: Error`.
    public var isError: Bool { response.isError }

    /// Every packet this action took out of the stream, in order.
    public var packets: [AMIPacket] {
        [response] + events + (listEnd.map { [$0] } ?? [])
    }
}
