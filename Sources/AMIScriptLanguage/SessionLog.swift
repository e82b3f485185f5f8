import Synchronization

/// Which way bytes went on the wire.
public enum WireDirection: Sendable, Hashable {
    case sent, received
}

/// The file of `log_file`: every byte of the conversation both ways, in the order it
/// crossed the wire — what `send` wrote, the requests of `login`, `action`, `command` and
/// `close`, every response and event, the Goodbye — as the session's wire tap sees it.
/// Written a line at a time, so a `Secret:` or `Key:` line is masked whole even when it
/// came in two reads; a line not yet ended is written when the log is closed.
public final class SessionLog: Sendable {
    private struct State {
        var file: UnsafeMutablePointer<FILE>?
        var pending: [WireDirection: [UInt8]] = [:]
    }
    private let state: Mutex<State>

    /// nil when the file cannot be opened for appending. A new log gets mode 0600: it
    /// holds the whole conversation (secrets masked, but callers, numbers, mailboxes).
    public init?(path: String) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return nil }
        guard let file = fdopen(descriptor, "a") else {
            Glibc.close(descriptor)
            return nil
        }
        state = Mutex(State(file: file))
    }

    /// Called by the session for every chunk written or read (on any thread).
    public func record(_ direction: WireDirection, _ bytes: UnsafeRawBufferPointer) {
        state.withLock { state in
            guard let file = state.file else { return }
            var pending = state.pending[direction] ?? []
            var lineStart = 0
            for index in 0..<bytes.count where bytes[index] == 0x0A {
                pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[lineStart...index]))
                Self.write(pending, to: file)
                pending.removeAll(keepingCapacity: true)
                lineStart = index + 1
            }
            pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[lineStart...]))
            state.pending[direction] = pending
            fflush(file)
        }
    }

    public func record(_ direction: WireDirection, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { record(direction, $0) }
    }

    /// Writes what is left of unfinished lines and closes the file; later records are dropped.
    public func close() {
        state.withLock { state in
            guard let file = state.file else { return }
            for direction in [WireDirection.sent, .received] {
                if let rest = state.pending[direction], !rest.isEmpty { Self.write(rest, to: file) }
            }
            state.pending = [:]
            fclose(file)
            state.file = nil
        }
    }

    deinit { close() }

    private static func write(_ line: [UInt8], to file: UnsafeMutablePointer<FILE>) {
        let text = SecretMasking.masked(String(decoding: line, as: UTF8.self))
        fputs(text, file)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
