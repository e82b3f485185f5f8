#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import AMIProtocol
import AMIScriptLanguage
import Synchronization

/// The file of `--record`: every byte of every connection both ways, as transcript lines
/// (`AMITranscriptLine`, docs/testing.md) that `amisim --replay` answers from.
///
/// Each connection starts with a metadata line — `recorded_by`, `server` (HOST:PORT),
/// `banner` (when one came), `time` (ISO 8601 UTC) — then one `C` line per write and one
/// `S` line per read, each with `t`, the seconds since the connection began. The values
/// of `Secret:` and `Key:` headers are `********` (`SecretMaskingStream`: the masking of
/// `log_file`, for pieces cut anywhere). A character cut between two reads is held back
/// and written whole with the next piece of its direction (JSON strings hold characters,
/// not bytes; bytes that are no UTF-8 at all are written as U+FFFD).
public final class SessionRecorder: Sendable {
    /// The file could not be created.
    public struct OpenError: Error, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }

    private struct DirectionState {
        /// The bytes of a character not yet complete at the end of the last piece.
        var held: [UInt8] = []
        var mask = SecretMaskingStream()
    }

    private struct Connection {
        var start: Double
        var metadata: [AMITranscriptLine.Field]
        /// Lines recorded before the banner came (the metadata line names it, so it is
        /// written first); nil once the metadata line is written.
        var waiting: [String]? = []
        var sent = DirectionState()
        var received = DirectionState()
    }

    private struct State {
        var descriptor: Int32
        var connection: Connection?
        var writeFailure: String?
    }

    private let state: Mutex<State>
    private let recordedBy: String

    /// Creates (or empties) the file, mode 0600 when new: it holds the whole conversation
    /// (secrets masked, but callers, numbers, mailboxes). `recordedBy`: `amiscript 0.4.0`.
    public init(path: String, recordedBy: String) throws(OpenError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw OpenError(reason: String(cString: strerror(errno))) }
        state = Mutex(State(descriptor: descriptor))
        self.recordedBy = recordedBy
    }

    deinit { close() }

    /// The first write that failed (disk full, …), or nil: the recording is incomplete.
    public var writeFailure: String? { state.withLock { $0.writeFailure } }

    /// A connection to `server` (HOST:PORT) is being made: `t` counts from here.
    public func beginConnection(server: String) {
        state.withLock { state in
            Self.end(&state)
            state.connection = Connection(start: Self.monotonicSeconds(), metadata: [
                .init("recorded_by", recordedBy),
                .init("server", server),
            ])
            state.connection?.metadata.append(.init("time", Self.utcTime()))
        }
    }

    /// The connection is up: the metadata line (with the banner, nil when none came),
    /// then what came before it.
    public func connectionEstablished(banner: String?) {
        state.withLock { state in
            guard var connection = state.connection, let waiting = connection.waiting else { return }
            if let banner {
                // In the order of the example in the docs: after `server`.
                connection.metadata.insert(.init("banner", banner), at: 2)
            }
            Self.write(AMITranscriptLine.metadata(connection.metadata).jsonText, to: &state)
            for line in waiting { Self.write(line, to: &state) }
            connection.waiting = nil
            state.connection = connection
        }
    }

    /// The connection could not be made: what crossed the wire before that (a non-AMI
    /// banner, a TLS port's silence ends with nothing) is kept, under its metadata line.
    public func connectionFailed() {
        state.withLock { state in
            guard let connection = state.connection, let waiting = connection.waiting else { return }
            if !waiting.isEmpty {
                Self.write(AMITranscriptLine.metadata(connection.metadata).jsonText, to: &state)
                for line in waiting { Self.write(line, to: &state) }
            }
            state.connection = nil
        }
    }

    /// The connection is over: a character left unfinished is written (as U+FFFD).
    public func endConnection() {
        state.withLock { Self.end(&$0) }
    }

    /// One write (`.sent`) or read (`.received`), on any thread.
    public func record(_ direction: WireDirection, _ bytes: UnsafeRawBufferPointer) {
        state.withLock { state in
            guard var connection = state.connection else { return }
            let seconds = Self.monotonicSeconds() - connection.start
            var line: String?
            switch direction {
            case .sent: line = Self.line(.client, bytes, seconds, &connection.sent)
            case .received: line = Self.line(.server, bytes, seconds, &connection.received)
            }
            if let line {
                if connection.waiting != nil {
                    connection.waiting?.append(line)
                } else {
                    Self.write(line, to: &state)
                }
            }
            state.connection = connection
        }
    }

    public func record(_ direction: WireDirection, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { record(direction, $0) }
    }

    public func close() {
        state.withLock { state in
            Self.end(&state)
            if state.descriptor >= 0 { _ = Glibc.close(state.descriptor) }
            state.descriptor = -1
        }
    }

    // MARK: Lines

    /// The transcript line of one piece, or nil when all of it is held back (part of a
    /// character).
    private static func line(_ direction: AMITranscriptLine.Direction, _ bytes: UnsafeRawBufferPointer,
                             _ seconds: Double, _ side: inout DirectionState) -> String? {
        var data = side.held
        data.append(contentsOf: bytes)
        let complete = data.count - unfinishedCharacterLength(data)
        side.held = Array(data[complete...])
        guard complete > 0 else { return nil }
        let text = side.mask.masked(String(decoding: data[..<complete], as: UTF8.self))
        return AMITranscriptLine.traffic(.init(direction: direction, seconds: seconds, data: text)).jsonText
    }

    /// How many bytes at the end of `bytes` begin a UTF-8 character that is not complete
    /// yet (0 when the end is whole, or when those bytes can never become a character).
    static func unfinishedCharacterLength(_ bytes: [UInt8]) -> Int {
        // A lead byte at most 3 bytes back, followed only by continuation bytes.
        guard !bytes.isEmpty else { return 0 }
        for back in 1...min(3, bytes.count) {
            let byte = bytes[bytes.count - back]
            if byte & 0xC0 == 0x80 { continue }
            let length: Int
            switch byte {
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: return 0
            }
            return back < length ? back : 0
        }
        return 0
    }

    private static func end(_ state: inout State) {
        guard var connection = state.connection else { return }
        // Written as they are: decoding makes U+FFFD of them.
        for direction in [AMITranscriptLine.Direction.client, .server] {
            let held = direction == .client ? connection.sent.held : connection.received.held
            guard !held.isEmpty else { continue }
            let seconds = monotonicSeconds() - connection.start
            let line = AMITranscriptLine.traffic(.init(direction: direction, seconds: seconds,
                                                       data: String(decoding: held, as: UTF8.self))).jsonText
            if connection.waiting != nil { connection.waiting?.append(line) } else { write(line, to: &state) }
        }
        connection.sent.held = []
        connection.received.held = []
        if let waiting = connection.waiting, !waiting.isEmpty {
            write(AMITranscriptLine.metadata(connection.metadata).jsonText, to: &state)
            for line in waiting { write(line, to: &state) }
        }
        state.connection = nil
    }

    private static func write(_ line: String, to state: inout State) {
        guard state.descriptor >= 0, state.writeFailure == nil else { return }
        var bytes = Array(line.utf8)
        bytes.append(0x0A)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(state.descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                state.writeFailure = String(cString: strerror(errno))
                return
            }
            offset += written
        }
    }

    // MARK: Clocks (libc, not Foundation: see docs/architecture.md)

    private static func monotonicSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    /// `2026-12-01T10:00:00Z`.
    static func utcTime() -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        var seconds = time_t(spec.tv_sec)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }
}
