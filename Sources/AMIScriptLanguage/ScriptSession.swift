import AMIProtocol

/// What the interpreter needs from a connection to a manager. The language module
/// never touches a socket: the command line gives it a session over AMIClient, tests
/// can give it a fake.
public protocol ScriptSession: AnyObject {
    /// Opens the connection; returns the banner line (nil when the server sent none).
    func connect(host: String, port: Int, tls: Bool, timeout: Double) async throws(SessionError) -> String?
    /// Writes bytes as they are.
    func send(_ bytes: [UInt8]) async throws(SessionError)
    /// What was received and not yet taken, in order (never empty), waiting at most
    /// `timeout` seconds (nil: forever) when nothing is there: `[.timeout]` then, and
    /// `.eof` last once the connection is over.
    func receive(timeout: Double?) async throws(SessionError) -> [SessionInput]
    /// Sends an action, with a fresh ActionID unless its headers carry one; returns the
    /// ActionID. Its answer comes through `receive` like everything else: the interpreter
    /// picks it out (`AMIPendingAction`).
    func send(_ action: AMIAction) async throws(SessionError) -> String
    /// Closes the connection (after Logoff when `logoff`).
    func close(logoff: Bool, timeout: Double) async
    /// Where every byte written and read goes while `log_file` is on (nil: nowhere). The
    /// session records writes and reads in the order they cross the wire.
    var log: SessionLog? { get set }
    var isConnected: Bool { get }
    /// `HOST:PORT` of the connection, for a prompt; nil when not connected.
    var peer: String? { get }
}

public enum SessionInput: Sendable {
    /// Received bytes, as they came (no copy), with their place in the stream.
    case text(AMIReceivedChunk)
    /// The packets framed from the text (their bytes came in this `.text` or an earlier
    /// one), made into values only when looked at.
    case packets(AMIPacketRun)
    case timeout
    /// The connection is over; the reason, for messages.
    case eof(String)
}

public enum SessionError: Error, Sendable, Hashable {
    /// Could not connect (refused, no route, timeout).
    case connectFailed(String)
    /// The connection ended or failed while in use.
    case closed(String)
    /// No answer within the time allowed.
    case timedOut(String)
    /// The action could not be encoded (a line break in a value...).
    case invalidAction(String)
    case notConnected
    /// The user interrupted the wait (Ctrl-C in the REPL).
    case interrupted
}
