/// How a simulated manager behaves: who may log in, what it knows, how it answers and
/// which faults it injects.
public struct SimulatorOptions: Sendable {
    public var host: String
    public var port: Int
    public var banner: String
    public var manager: ManagerConfiguration
    public var data: SimulatorData
    /// Answer `Command` as Asterisk before 14 did (`Response: Follows` ... `--END COMMAND--`)
    /// and offer the text-only `Queues` action.
    public var legacyCommand: Bool
    public var faults: Set<SimulatorFault>
    /// Answer `manager show command` as an Asterisk built with XML documentation does
    /// (`[Synopsis]`, `[Syntax]` with the headers); false: as one built without it
    /// (`Action:`, an empty `Synopsis:`, `Privilege:`), which many packaged builds are.
    public var xmlDocumentation = true
    /// Seconds before a failed login is answered (Asterisk sleeps 1 s).
    public var failedLoginDelay: Double
    public var flood: FloodOptions
    /// Seconds between bytes: every byte written separately, this far apart (a slow link;
    /// 0: as fast as the socket takes them).
    public var byteDelay: Double = 0
    /// PEM certificate and key: serve TLS (as Asterisk's `tlsenable`) instead of plain TCP.
    public var tlsCertificateFile: String?
    public var tlsKeyFile: String?
    /// Answer from a recording instead (`amisim --replay`): users, data and faults are then
    /// not used; the banner is the recording's (`banner` when it has none).
    public var replay: ReplayOptions?

    public init(
        host: String = "127.0.0.1",
        port: Int = 0,
        banner: String = "Asterisk Call Manager/13.0.0",
        manager: ManagerConfiguration = .standard,
        data: SimulatorData = .standard,
        legacyCommand: Bool = false,
        faults: Set<SimulatorFault> = [],
        failedLoginDelay: Double = 1,
        flood: FloodOptions = FloodOptions()
    ) {
        self.host = host
        self.port = port
        self.banner = banner
        self.manager = manager
        self.data = data
        self.legacyCommand = legacyCommand
        self.faults = faults
        self.failedLoginDelay = failedLoginDelay
        self.flood = flood
    }
}

/// The event flood of the `flood` fault (and of the benchmarks).
public struct FloodOptions: Sendable, Hashable {
    /// Bytes of events to send after login; 0 sends forever.
    public var bytes: Int
    /// Events per second; 0 sends as fast as the client reads.
    public var rate: Double
    /// After `bytes`, one event carrying `NewMessages: <final>` ends the flood.
    public var finalNewMessages: Int

    public init(bytes: Int = 10_000_000, rate: Double = 0, finalNewMessages: Int = 42) {
        self.bytes = bytes
        self.rate = rate
        self.finalNewMessages = finalNewMessages
    }
}

/// Faults a simulator injects on request, for reliability tests (`--fault NAME`).
public enum SimulatorFault: String, Sendable, Hashable, CaseIterable {
    /// No banner line on connect.
    case noBanner = "no-banner"
    /// Banner, then silence: no action is ever answered.
    case stall
    /// Each response is cut in the middle and the connection closed.
    case closeMidPacket = "close-mid-packet"
    /// The connection is reset (TCP RST) instead of answering an action.
    case reset
    /// Garbage, NUL and non-UTF-8 bytes before each response.
    case garbage
    /// A 1 MiB line without a line end instead of each response.
    case longLine = "long-line"
    /// Everything is written one byte per write.
    case byteAtATime = "byte-at-a-time"
    /// After login, a flood of events (see `FloodOptions`).
    case flood
    /// Login is answered; the first later response is cut in the middle, then nothing more is
    /// sent (the connection stays open).
    case stallMidResponse = "stall-mid-response"
    /// Login is answered; the first later action gets, instead of its response, bytes
    /// without a line end, without end, at a bounded rate (about 1 MB/s), until the client closes.
    case endlessLine = "endless-line"
    /// Login is answered with `Response: Success`, then the connection is closed.
    case closeAfterLogin = "close-after-login"

    public var summary: String {
        switch self {
        case .noBanner: return "send no banner line"
        case .stall: return "send the banner, then never answer"
        case .closeMidPacket: return "cut each response in the middle and close"
        case .reset: return "reset the connection (RST) instead of answering"
        case .garbage: return "send garbage, NUL and non-UTF-8 bytes before each response"
        case .longLine: return "send a 1 MiB line without a line end instead of a response"
        case .byteAtATime: return "write every byte separately"
        case .flood: return "flood events after login (--flood-bytes, --flood-rate)"
        case .stallMidResponse: return "answer Login, then send half of the next response and nothing more"
        case .endlessLine: return "answer Login, then send an endless line (about 1 MB/s) instead of the next response"
        case .closeAfterLogin: return "answer Login with Success, then close the connection"
        }
    }
}
