/// Why the decoder gave up on a stream. Each is a clear, final error rather than
/// unbounded memory or a crash.
public enum AMIDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A single line grew past the limit without a line end (a server sending an endless line).
    case lineTooLong(limit: Int)
    /// A packet grew past the limit without its terminating empty line.
    case packetTooLarge(limit: Int)
    /// The stream ended in the middle of a packet (`partial` holds what had arrived).
    case truncatedPacket(partial: String)

    public var description: String {
        switch self {
        case .lineTooLong(let limit):
            return "AMI line longer than \(limit) bytes without a line end"
        case .packetTooLarge(let limit):
            return "AMI packet larger than \(limit) bytes without its ending empty line"
        case .truncatedPacket(let partial):
            return "connection closed in the middle of a packet after \(partial.utf8.count) bytes"
        }
    }
}
