import AMIProtocol

/// What can go wrong talking to a manager, each with a message fit for a user.
public enum AMIClientError: Error, Sendable, Hashable, CustomStringConvertible {
    case connectFailed(host: String, port: Int, reason: String)
    case connectTimedOut(host: String, port: Int, seconds: Double)
    /// Nothing arrived before the deadline (`waitingFor` says for what).
    case timedOut(waitingFor: String, seconds: Double)
    /// The connection ended while something was still expected.
    case connectionEnded(AMIConnectionEnd, waitingFor: String)
    case loginFailed(message: String)
    /// The challenge response had no `Challenge:` header.
    case noChallenge
    case encoding(AMIEncodingError)

    public var description: String {
        switch self {
        case let .connectFailed(host, port, reason):
            return "cannot connect to \(host):\(port): \(reason)"
        case let .connectTimedOut(host, port, seconds):
            return "cannot connect to \(host):\(port): no answer within \(formatSeconds(seconds))"
        case let .timedOut(what, seconds):
            return "timed out after \(formatSeconds(seconds)) waiting for \(what)"
        case let .connectionEnded(end, what):
            return "\(end) while waiting for \(what)"
        case let .loginFailed(message):
            return "login failed: \(message)"
        case .noChallenge:
            return "the server sent no MD5 challenge"
        case let .encoding(error):
            return "cannot send the action: \(error)"
        }
    }
}

/// `10s`, `2.5s`: how a number of seconds reads in a message.
func formatSeconds(_ seconds: Double) -> String {
    if seconds == seconds.rounded() { return "\(Int(seconds))s" }
    return "\(seconds)s"
}
