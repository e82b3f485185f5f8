/// What the decoder produces: the banner line a server sends first, or a packet.
public enum AMIMessage: Sendable, Hashable {
    /// `Asterisk Call Manager/13.0.0`: one bare line, not a packet (PROTOCOL.md item 1).
    case banner(String)
    case packet(AMIPacket)

    public var packet: AMIPacket? {
        if case .packet(let packet) = self { return packet }
        return nil
    }
}
