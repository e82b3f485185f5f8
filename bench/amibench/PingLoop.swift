import AMIClient
import AMIProtocol
import Dispatch
import NIOCore
import NIOGlobalExecutor
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// Workload 3 without the language: `action Ping` COUNT times through `AMIConnection`
/// alone, on the same single event loop thread amiscript uses. Between the raw Python
/// socket loop and amiscript, it says what the client library costs and what the
/// interpreter adds.
enum PingLoop {
    static func main(_ arguments: [String]) -> Int32 {
        guard arguments.count == 3, let port = Int(arguments[1]), let count = Int(arguments[2]) else {
            FileHandleless.writeError("usage: amibench pings HOST PORT COUNT\n")
            return 64
        }
        NIOGlobalExecutor.install()
        let done = DispatchSemaphore(value: 0)
        let status = StatusBox()
        Task {
            do {
                let connection = try await AMIConnection.connect(host: arguments[0], port: port)
                try await connection.login(username: "admin", secret: "secret5", events: false, timeout: .seconds(10))
                let start = now()
                for _ in 0..<count {
                    _ = try await connection.perform(AMIAction("Ping"), timeout: .seconds(10))
                }
                let seconds = now() - start
                print("\(count) pings in \(seconds) s = \(Int(Double(count) / seconds)) actions/s")
                await connection.close()
            } catch {
                FileHandleless.writeError("amibench pings: \(error)\n")
                status.value = 1
            }
            done.signal()
        }
        done.wait()
        return status.value
    }
}

/// Standard error without Foundation.
private enum FileHandleless {
    static func writeError(_ text: String) {
        var bytes = Array(text.utf8)
        _ = write(2, &bytes, bytes.count)
    }
}

/// The exit status handed from the task to the waiting main thread.
private final class StatusBox: @unchecked Sendable {
    // Written once by the task before it signals the semaphore the reader waits on.
    var value: Int32 = 0
}
