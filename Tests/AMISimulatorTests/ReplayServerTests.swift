import AMIProtocol
import AMISimulator
import AMITestSupport
import Foundation
import XCTest

/// amisim in replay mode over a socket: the opening, answers at the recorded pace, a
/// request that comes early, the complaint, Logoff's close, and each connection from the
/// start of the file.
final class ReplayServerTests: XCTestCase {
    /// What the server reported, from its event loop.
    private final class Complaints: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [String] = []
        func append(_ item: String) { lock.withLock { items.append(item) } }
        var all: [String] { lock.withLock { items } }
    }

    private func line(_ direction: String, _ data: String, t: Double? = nil) -> String {
        AMITranscriptLine.traffic(.init(direction: direction == "C" ? .client : .server, seconds: t, data: data)).jsonText
    }

    private let recording = [
        #"{"recorded_by":"amiscript 0.4.0","server":"127.0.0.1:5038","banner":"Asterisk Call Manager/13.0.0","time":"2026-12-01T10:00:00Z"}"#,
        "S|Asterisk Call Manager/13.0.0\r\n|0.001",
        "C|Action: Login\r\nActionID: amiscript-1\r\nUsername: admin\r\nSecret: ********\r\n\r\n|0.002",
        "S|Response: Success\r\nActionID: amiscript-1\r\nMessage: Authentication accepted\r\n\r\n|0.003",
        "C|Action: Originate\r\nActionID: amiscript-2\r\nChannel: Local/s@amitest\r\n\r\n|0.010",
        "S|Response: Success\r\nActionID: amiscript-2\r\nMessage: Originate successfully queued\r\n\r\n|0.011",
        "S|Event: Hangup\r\nChannel: Local/s@amitest-00000000;1\r\n\r\n|0.811",
        "C|Action: Logoff\r\nActionID: amiscript-3\r\n\r\n|0.900",
        "S|Response: Goodbye\r\nActionID: amiscript-3\r\nMessage: Thanks for all the fish.\r\n\r\n|0.901",
    ]

    private func start(speed: Double, complaints: Complaints? = nil) async throws -> AMISimulatorServer {
        let lines = recording.map { row -> String in
            guard row.hasPrefix("S|") || row.hasPrefix("C|") else { return row }
            let parts = row.split(separator: "|", omittingEmptySubsequences: false)
            return line(String(parts[0]), String(parts[1]), t: Double(parts[2]))
        }
        let transcript = try ReplayTranscript.parse(lines.joined(separator: "\n"))
        var options = SimulatorOptions()
        options.replay = ReplayOptions(transcript: transcript, speed: speed) { complaint in
            complaints?.append(complaint)
        }
        return try await AMISimulatorServer.start(options)
    }

    private func exchange(_ socket: RawSocket, _ request: String, until expected: String, timeout: Double = 5) -> String {
        socket.send(request)
        socket.read(timeout: timeout) { String(decoding: $0, as: UTF8.self).contains(expected) }
        return String(decoding: socket.take(), as: UTF8.self)
    }

    func testEventsComeAtTheirRecordedSpacingAndLogoffCloses() async throws {
        let server = try await start(speed: 1)
        for _ in 1...2 {
            // Each connection replays from the start of the file.
            let socket = try RawSocket(port: server.port)
            socket.read(timeout: 5) { $0.count >= 30 }
            XCTAssertEqual(String(decoding: socket.take(), as: UTF8.self), "Asterisk Call Manager/13.0.0\r\n")
            XCTAssertEqual(exchange(socket, "Action: Login\r\nActionID: a\r\nUsername: u\r\nSecret: s\r\n\r\n", until: "\r\n\r\n"),
                           "Response: Success\r\nActionID: a\r\nMessage: Authentication accepted\r\n\r\n")
            let started = Date()
            XCTAssertEqual(exchange(socket, "Action: Originate\r\nActionID: b\r\nChannel: Local/s@amitest\r\n\r\n", until: "queued"),
                           "Response: Success\r\nActionID: b\r\nMessage: Originate successfully queued\r\n\r\n")
            socket.read(timeout: 5) { String(decoding: $0, as: UTF8.self).contains("Hangup") }
            let waited = Date().timeIntervalSince(started)
            XCTAssertGreaterThan(waited, 0.7, "the Hangup came 0.8 s after the response in the recording")
            XCTAssertLessThan(waited, 3)
            XCTAssertEqual(String(decoding: socket.take(), as: UTF8.self), "Event: Hangup\r\nChannel: Local/s@amitest-00000000;1\r\n\r\n")
            XCTAssertEqual(exchange(socket, "Action: Logoff\r\nActionID: c\r\n\r\n", until: "fish"),
                           "Response: Goodbye\r\nActionID: c\r\nMessage: Thanks for all the fish.\r\n\r\n")
            socket.read(timeout: 5) { _ in false }
            XCTAssertTrue(socket.closedByPeer)
        }
        await server.stop()
    }

    /// A request that comes while events still wait: they go at once, before its answer.
    func testAnEarlyRequestGetsTheWaitingEventsFirst() async throws {
        let complaints = Complaints()
        let server = try await start(speed: 0.1, complaints: complaints)
        let socket = try RawSocket(port: server.port)
        socket.read(timeout: 5) { $0.count >= 30 }
        _ = socket.take()
        _ = exchange(socket, "Action: Login\r\nUsername: u\r\nSecret: s\r\n\r\n", until: "accepted")
        _ = exchange(socket, "Action: Originate\r\nChannel: Local/s@amitest\r\n\r\n", until: "queued")
        let started = Date()
        let rest = exchange(socket, "Action: Ping\r\nActionID: p\r\n\r\n", until: "no recorded answer")
        XCTAssertLessThan(Date().timeIntervalSince(started), 2, "the Hangup (8 s away at speed 0.1) went at once")
        XCTAssertEqual(rest, "Event: Hangup\r\nChannel: Local/s@amitest-00000000;1\r\n\r\n"
            + "Response: Error\r\nActionID: p\r\nMessage: amisim replay: no recorded answer for Action Ping\r\n\r\n")
        XCTAssertEqual(complaints.all, ["no recorded answer for Action Ping"])
        await server.stop()
    }
}
