import AMIClient
import AMIProtocol
import AMISimulator
import AMITestSupport
import Foundation
import XCTest

/// Replays the client side of every real transcript to amisim and compares its answers
/// with what Asterisk sent, byte for byte apart from the values the transcripts' README
/// names as varying (compared by shape).
final class ConformanceTests: XCTestCase {
    /// Values that vary from run to run, by header name; compared by shape.
    static let volatileHeaders: Set<String> = [
        "timestamp", "uptime", "lastreload", "eventtv", "sessionid", "sessiontv", "challenge",
        "corestartupdate", "corestartuptime", "corereloaddate", "corereloadtime", "corecurrentcalls",
        // The port of both ends: the simulator listens on a free port, not 5038.
        "remoteaddress", "localaddress",
    ]

    static func isVolatile(_ name: String) -> Bool {
        let lower = name.lowercased()
        return volatileHeaders.contains(lower) || lower.hasSuffix("uniqueid") || lower.hasSuffix("linkedid")
    }

    /// A value's shape: each run of digits is `9`, a hex pointer is `0xH`.
    static func shape(_ value: String) -> String {
        if value.drop(while: { $0 == " " }).hasPrefix("0x") { return " 0xH" }
        var result = ""
        var inDigits = false
        for character in value {
            if character.isNumber {
                if !inDigits { result.append("9") }
                inDigits = true
            } else {
                result.append(character)
                inDigits = false
            }
        }
        return result
    }

    /// The text with volatile values replaced by their shapes, and the `00000000;1` suffix
    /// of Local channels shaped too.
    static func normalized(_ text: String) -> String {
        text.components(separatedBy: "\r\n").map { line -> String in
            var line = line
            if let range = line.range(of: #"-[0-9a-f]{8};"#, options: .regularExpression) {
                line.replaceSubrange(range, with: "-XXXXXXXX;")
            }
            guard let colon = line.firstIndex(of: ":") else { return line }
            let name = String(line[..<colon])
            let value = String(line[line.index(after: colon)...])
            if isVolatile(name) { return name + ":" + shape(value) }
            if name == "Output", value.contains("uptime") || value.contains("reload") || value.hasPrefix(" Asterisk ") {
                return name + ":" + shape(value)
            }
            return line
        }.joined(separator: "\r\n")
    }

    func testEveryTranscriptIsAnsweredAsAsteriskDid() async throws {
        var options = SimulatorOptions()
        options.failedLoginDelay = 0.2
        let server = try await AMISimulatorServer.start(options)
        defer { Task { await server.stop() } }
        let transcripts = try Transcripts.asteriskMaster()
        XCTAssertEqual(transcripts.count, 17)
        for transcript in transcripts {
            try replay(transcript, port: server.port)
        }
    }

    private func replay(_ transcript: Transcripts.Transcript, port: Int) throws {
        let socket = try RawSocket(port: port)
        var index = 0
        var challenge = ""
        let lines = transcript.lines
        while index < lines.count {
            var expected = ""
            if !lines[index].fromServer {
                var request = lines[index].data
                // The MD5 key answers this run's challenge, as a real client's would.
                if let key = request.range(of: #"Key: [0-9a-f]{32}"#, options: .regularExpression) {
                    request.replaceSubrange(key, with: "Key: " + md5Hex(challenge + "secret5"))
                }
                socket.send(request)
                index += 1
            }
            while index < lines.count, lines[index].fromServer {
                expected += lines[index].data
                index += 1
            }
            let step = "\(transcript.name), reply before line \(index + 1)"
            if expected.isEmpty {
                // Asterisk answered nothing (the connection was over): neither may we.
                socket.read(timeout: 0.4) { _ in false }
                XCTAssertEqual(socket.take(), [], step)
                continue
            }
            let wantedEnds = expected.components(separatedBy: "\r\n\r\n").count - 1
            let isBanner = wantedEnds == 0
            socket.read(timeout: 6) { bytes in
                let text = String(decoding: bytes, as: UTF8.self)
                return isBanner ? text.hasSuffix("\r\n") : text.components(separatedBy: "\r\n\r\n").count - 1 >= wantedEnds
            }
            let got = String(decoding: socket.take(), as: UTF8.self)
            if let line = got.components(separatedBy: "\r\n").first(where: { $0.hasPrefix("Challenge: ") }) {
                challenge = String(line.dropFirst("Challenge: ".count))
            }
            if transcript.name == "list-commands", expected.hasPrefix("Response: Success\r\nActionID: l1\r\nAbsolute") {
                assertListCommands(got, subsetOf: expected, step)
            } else {
                XCTAssertEqual(Self.normalized(got), Self.normalized(expected), step)
            }
        }
    }

    /// ListCommands depends on the modules loaded: ours must be the real list's format,
    /// sorted the same way, each action with the real privilege string.
    private func assertListCommands(_ got: String, subsetOf expected: String, _ step: String) {
        let real = Set(expected.components(separatedBy: "\r\n").dropFirst(2).filter { !$0.isEmpty })
        let ours = got.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        XCTAssertEqual(Array(ours.prefix(2)), ["Response: Success", "ActionID: l1"], step)
        let entries = Array(ours.dropFirst(2))
        XCTAssertGreaterThanOrEqual(entries.count, 20, step)
        for entry in entries { XCTAssertTrue(real.contains(entry), "\(step): '\(entry)' is not in the real list") }
        XCTAssertEqual(entries, entries.sorted { $0.lowercased() < $1.lowercased() }, step)
        XCTAssertTrue(got.hasSuffix("\r\n\r\n"), step)
    }

    private func md5Hex(_ text: String) -> String {
        AMILogin.md5Key(challenge: text, secret: "")
    }

    func testNormalizationStillSeesRealDifferences() {
        XCTAssertEqual(Self.normalized("Timestamp: 1795975531.939086"), Self.normalized("Timestamp: 1.2"))
        XCTAssertNotEqual(Self.normalized("NewMessages: 3"), Self.normalized("NewMessages: 4"))
        XCTAssertNotEqual(Self.normalized("Timestamp: 1.2"), Self.normalized("Timestamp: abc"))
    }
}
