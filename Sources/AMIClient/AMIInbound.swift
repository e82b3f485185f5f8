import AMIProtocol
import NIOCore

/// One thing received on a connection, in the order it arrived.
///
/// Every received chunk of bytes comes as `.bytes` (the text an Expect-style `expect`
/// matches), followed by the messages decoded from it; `.bytes` carries the stream offset
/// of its first byte, a packet its `streamRange`, so the two views can be lined up.
/// `AMIConnection.nextBatch` hands the packets framed inside one read over as one
/// `.packets` run; `next` hands over one `.message` at a time.
public enum AMIInbound: Sendable {
    case bytes(ByteBuffer, streamOffset: Int64)
    case message(AMIMessage)
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
