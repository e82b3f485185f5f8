import AMIProtocol

/// One thing received on a connection, in the order it arrived.
///
/// Every received chunk of bytes comes as `.bytes` (the text an Expect-style `expect`
/// matches), followed by the packets framed from it, as one `.packets` run per read; the
/// chunk carries its stream offset, a packet its `streamRange`, so the two views line up.
/// A packet has one shape wherever it travels: a run (of one, when it comes alone).
public enum AMIInbound: Sendable {
    case bytes(AMIReceivedChunk)
    /// `Asterisk Call Manager/13.0.0`: the line a server sends first.
    case banner(String)
    /// Packets in stream order, made into values only when read.
    case packets(AMIPacketRun)
}

/// Why a connection is over.
public enum AMIConnectionEnd: Sendable, Hashable, CustomStringConvertible {
    /// The server closed the connection (after a whole packet).
    case closedByServer
    /// The connection failed (reset by the peer, or another socket error).
    case failed(String)
    /// The server sent something the decoder cannot accept (a cut packet, an endless line).
    case protocolError(AMIDecodingError)
    /// This side closed it.
    case closedLocally

    public var description: String {
        switch self {
        case .closedByServer: return "the server closed the connection"
        case .failed(let reason): return "the connection failed: \(reason)"
        case .protocolError(let error): return "\(error)"
        case .closedLocally: return "the connection was closed"
        }
    }
}
