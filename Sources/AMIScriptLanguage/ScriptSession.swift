import AMIProtocol
import NIOCore

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
    /// Sends an action (with a fresh ActionID unless the headers carry one) and waits
    /// for its response and, for an event list, its events. What else arrives meanwhile
    /// may be handed to `progress` as it comes (so a long action under an event stream
    /// holds no more than the expect buffer does), with the ranges the action takes
    /// announced before any text holding them; what is not handed over that way comes
    /// back in the outcome.
    func action(_ name: String, headers: [AMIHeader], timeout: Double?,
                progress: (ActionProgress) -> Void) async throws(SessionError) -> ActionOutcome
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
    /// Received text (as it came, no copy), and the stream offset of its first byte.
    case text(ByteBuffer, offset: Int64)
    /// Decoded packets (their bytes also came, or will come, as text), made into
    /// values only when looked at.
    case packets(AMIPacketRun)
    case timeout
    /// The connection is over; the reason, for messages.
    case eof(String)
}

/// What an action hands over while it waits, in the order it must be taken in.
public enum ActionProgress: Sendable {
    /// Text or packets that are not the action's: they join the expect buffer.
    case received(SessionInput)
    /// A stream range the action took (its response, a list event): left out of the text
    /// that holds it, which comes later.
    case taken(Range<Int64>)
}

/// The answer to an action, and the stream ranges its packets took up (the expect
/// buffer leaves them out) when they were not announced as `ActionProgress.taken`.
public struct ActionOutcome: Sendable {
    public var response: AMIPacket
    public var events: [AMIPacket]
    public var consumedRanges: [Range<Int64>]
    /// What else arrived while waiting (text, other packets), in order: the interpreter
    /// takes it into its expect buffer at once, so nothing piles up in the connection.
    public var passedOver: [SessionInput]

    public init(response: AMIPacket, events: [AMIPacket], consumedRanges: [Range<Int64>], passedOver: [SessionInput] = []) {
        self.response = response
        self.events = events
        self.consumedRanges = consumedRanges
        self.passedOver = passedOver
    }
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
