#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A blocking TCP client for tests that must send and read exact bytes (like telnet).
public final class RawSocket {
    private let descriptor: Int32
    public private(set) var received: [UInt8] = []
    public private(set) var closedByPeer = false

    public init(port: Int, host: String = "127.0.0.1") throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host, &address.sin_addr)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(descriptor)
            throw NSError(domain: "RawSocket", code: Int(errno), userInfo: [NSLocalizedDescriptionKey: "connect failed"])
        }
    }

    deinit { close(descriptor) }

    public func send(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Reads until `done(received)` holds, the peer closes, or `timeout` seconds pass.
    @discardableResult
    public func read(timeout: Double, until done: ([UInt8]) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        var chunk = [UInt8](repeating: 0, count: 65536)
        while !done(received) {
            let left = deadline.timeIntervalSinceNow
            if left <= 0 || closedByPeer { return done(received) }
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            if poll(&poller, 1, Int32(max(1, left * 1000))) <= 0 { continue }
            let count = recv(descriptor, &chunk, chunk.count, 0)
            if count <= 0 {
                closedByPeer = true
            } else {
                received += chunk[0..<count]
            }
        }
        return true
    }

    /// Takes what was received so far.
    public func take() -> [UInt8] {
        defer { received = [] }
        return received
    }
}
