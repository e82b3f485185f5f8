import AMIClient
import AMIProtocol
import AMIScriptLanguage
import NIOConcurrencyHelpers
import NIOCore

/// The language's session over a real AMI connection (AMIClient).
public final class AMIClientSession: ScriptSession {
    private var connection: AMIConnection?
    private let tracer: WireTracer?
    private let tlsOptions: AMITLSOptions
    /// `--record`'s file: every connection's bytes both ways (the wire tap feeds it).
    private let recorder: SessionRecorder?
    /// `log_file`'s log, read by the wire tap on the event loop (a box, not `self`: the
    /// connection keeps the tap, and must not keep the session).
    private let logBox = NIOLockedValueBox<SessionLog?>(nil)

    public var log: SessionLog? {
        get { logBox.withLockedValue { $0 } }
        set { logBox.withLockedValue { $0 = newValue } }
    }

    /// `trace`: where wire-trace lines go (`>> ` sent, `<< ` received), or nil for none.
    /// `tls`: how `connect ... tls` checks the server. `recorder`: `--record`'s file.
    public init(trace: (@Sendable (String) -> Void)?, tls: AMITLSOptions = AMITLSOptions(),
                recorder: SessionRecorder? = nil) {
        tracer = trace.map(WireTracer.init)
        tlsOptions = tls
        self.recorder = recorder
    }

    /// True from `connect` until `close`, even after the server has gone: what it sent
    /// before going is still to be read, and the end then comes as eof.
    public var isConnected: Bool { connection != nil }

    public var peer: String? { connection.map { "\($0.host):\($0.port)" } }

    public func connect(host: String, port: Int, tls: Bool, timeout: Double) async throws(SessionError) -> String? {
        let seconds = timeout > 0 ? timeout : 10
        var configuration = AMIConnection.Configuration(
            connectTimeout: Self.amount(seconds),
            bannerTimeout: Self.amount(min(seconds, 3)))
        if tls { configuration.tls = tlsOptions }
        let tracer = self.tracer
        let logBox = self.logBox
        let recorder = self.recorder
        configuration.wireTap = { direction, bytes in
            tracer?.record(direction, bytes)
            if let log = logBox.withLockedValue({ $0 }) {
                bytes.withUnsafeReadableBytes { log.record(direction == .sent ? .sent : .received, $0) }
            }
            if let recorder {
                bytes.withUnsafeReadableBytes { recorder.record(direction == .sent ? .sent : .received, $0) }
            }
        }
        recorder?.beginConnection(server: "\(host):\(port)")
        do {
            let connection = try await AMIConnection.connect(host: host, port: port, configuration: configuration)
            self.connection = connection
            recorder?.connectionEstablished(banner: connection.banner)
            return connection.banner
        } catch let error as AMIClientError {
            recorder?.connectionFailed()
            throw SessionError.connectFailed(Self.reason(error))
        } catch {
            recorder?.connectionFailed()
            throw SessionError.connectFailed("\(error)")
        }
    }

    public func send(_ bytes: [UInt8]) async throws(SessionError) {
        guard let connection else { throw SessionError.notConnected }
        do {
            try await connection.write(ByteBuffer(bytes: bytes))
        } catch {
            throw SessionError.closed(Self.reason(error))
        }
    }

    public func receive(timeout: Double?) async throws(SessionError) -> [SessionInput] {
        guard let connection else { return [.eof("not connected")] }
        do {
            let items = try await connection.nextBatch(timeout: timeout.map(Self.amount))
            var inputs: [SessionInput] = []
            inputs.reserveCapacity(items.count)
            for item in items {
                switch item {
                case .bytes(let chunk): inputs.append(.text(chunk))
                case .packets(let run): inputs.append(.packets(run))
                // Its bytes come as text; `connect` already returned it.
                case .banner: continue
                }
            }
            if inputs.isEmpty {
                // Only a banner came: not a timeout (`[.timeout]` means the wait ran out).
                // `connect` reads the banner, so this is a stray line at most: wait again.
                return try await receive(timeout: timeout)
            }
            return inputs
        } catch AMIClientError.timedOut {
            return [.timeout]
        } catch AMIClientError.connectionEnded(let end, _) {
            return [.eof("\(end)")]
        } catch is CancellationError {
            throw SessionError.interrupted
        } catch {
            return [.eof("\(error)")]
        }
    }

    public func send(_ action: AMIAction) async throws(SessionError) -> String {
        guard let connection else { throw SessionError.notConnected }
        do {
            return try await connection.send(action)
        } catch AMIClientError.encoding(let error) {
            throw SessionError.invalidAction("\(error)")
        } catch {
            throw SessionError.closed(Self.reason(error))
        }
    }

    /// Seconds as NIO's nanoseconds: a script may ask for any number (`set timeout 1e12`
    /// means "as good as forever"), so it is capped at a century instead of overflowing.
    static func amount(_ seconds: Double) -> TimeAmount {
        guard seconds.isFinite || seconds > 0 else { return .zero }
        return .nanoseconds(Int64(min(max(seconds, 0), 3.2e9) * 1e9))
    }

    public func close(logoff: Bool, timeout: Double) async {
        guard let connection else { return }
        self.connection = nil
        if logoff, connection.end == nil {
            try? await connection.logoff(timeout: Self.amount(timeout))
        }
        await connection.close()
        tracer?.flush()
        recorder?.endConnection()
    }

    private static func reason(_ error: Error) -> String {
        guard let error = error as? AMIClientError else { return "\(error)" }
        switch error {
        case let .connectFailed(_, _, reason): return reason
        case let .connectTimedOut(_, _, seconds): return "no answer within \(seconds)s"
        case let .connectionEnded(end, _): return "\(end)"
        default: return "\(error)"
        }
    }
}

/// Turns wire chunks into trace lines: one per line, escapes visible, secrets masked.
final class WireTracer: Sendable {
    private let emit: @Sendable (String) -> Void
    private let partial = NIOLockedValueBox<[AMIConnection.WireDirection: String]>([:])

    init(_ emit: @escaping @Sendable (String) -> Void) {
        self.emit = emit
    }

    func record(_ direction: AMIConnection.WireDirection, _ bytes: ByteBuffer) {
        let prefix = direction == .sent ? ">> " : "<< "
        let text = String(decoding: bytes.readableBytesView, as: UTF8.self)
        let lines = partial.withLockedValue { pending -> [String] in
            var current = pending[direction] ?? ""
            var complete: [String] = []
            for scalar in text.unicodeScalars {
                current.unicodeScalars.append(scalar)
                if scalar == "\n" {
                    complete.append(current)
                    current = ""
                }
            }
            pending[direction] = current
            return complete
        }
        for line in lines { emit(prefix + Self.visible(line) + "\n") }
    }

    func flush() {
        let rest = partial.withLockedValue { pending -> [(AMIConnection.WireDirection, String)] in
            defer { pending = [:] }
            return pending.filter { !$0.value.isEmpty }.map { ($0.key, $0.value) }
        }
        for (direction, line) in rest { emit((direction == .sent ? ">> " : "<< ") + Self.visible(line) + "\n") }
    }

    /// `Secret: ********`, and CR, LF, tabs and control bytes as escapes.
    static func visible(_ line: String) -> String {
        var masked = line
        let lower = line.lowercased()
        for name in ["secret:", "key:"] where lower.hasPrefix(name) {
            masked = String(line.prefix(name.count)) + " ********" + (line.hasSuffix("\r\n") ? "\r\n" : line.hasSuffix("\n") ? "\n" : "")
        }
        return VisibleText.escaped(masked, quotes: false)
    }
}
