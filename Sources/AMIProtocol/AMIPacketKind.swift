/// What a packet is, decided by its first meaningful header (`Event:`, `Response:` or
/// `Action:`, whichever comes first), so `Event: OriginateResponse` ... `Response: Failure`
/// is an event, as PROTOCOL.md item 7 requires.
public enum AMIPacketKind: Sendable, Hashable {
    /// A reply to an action (`Response: ...` first).
    case response
    /// An event (`Event: ...` first), including the entries and the end of an event list.
    case event
    /// A request (`Action: ...` first): what a client sends, what a server decodes.
    case action
    /// Headers, but none of the three above (a request missing its `Action:` line).
    case unclassified
    /// Lines without any header, such as the old `Action: Queues` output (item 15).
    case textOnly
}
