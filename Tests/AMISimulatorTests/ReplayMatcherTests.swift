import AMIProtocol
import AMISimulator
import AMITestSupport
import XCTest

/// `amisim --replay`'s answers: which recorded request answers a request, the ActionIDs,
/// Login and Logoff, the complaint for a request the recording has no answer for, the
/// timing, and every real transcript replayed as it was recorded.
final class ReplayMatcherTests: XCTestCase {
    /// One traffic line.
    private func line(_ direction: String, _ data: String, t: Double? = nil) -> String {
        AMITranscriptLine.traffic(.init(direction: direction == "C" ? .client : .server, seconds: t, data: data)).jsonText
    }

    private func transcript(_ lines: [String]) throws -> ReplayTranscript {
        try ReplayTranscript.parse(lines.joined(separator: "\n") + "\n")
    }

    private func headers(_ text: String) -> [AMIHeader] {
        text.split(separator: "\n").map { row in
            let parts = row.split(separator: ":", maxSplits: 1)
            return AMIHeader(String(parts[0]), parts.count > 1 ? String(parts[1].drop { $0 == " " }) : "")
        }
    }

    private func text(_ answer: ReplayMatcher.Answer) -> String {
        answer.pieces.map(\.text).joined()
    }

    private let banner = "Asterisk Call Manager/13.0.0\r\n"

    private func mailboxRecording() throws -> ReplayTranscript {
        try transcript([
            line("S", banner),
            line("C", "Action: Login\r\nActionID: r1\r\nUsername: admin\r\nSecret: ********\r\n\r\n"),
            line("S", "Response: Success\r\nActionID: r1\r\nMessage: Authentication accepted\r\n\r\n"),
            line("C", "Action: MailboxCount\r\nActionID: r2\r\nMailbox: 200@default\r\n\r\n"),
            line("S", "Response: Success\r\nActionID: r2\r\nMailbox: 200@default\r\nNewMessages: 3\r\n\r\n"),
            line("C", "Action: MailboxCount\r\nActionID: r3\r\nMailbox: 123@default\r\n\r\n"),
            line("S", "Response: Success\r\nActionID: r3\r\nMailbox: 123@default\r\nNewMessages: 0\r\n\r\n"),
            line("C", "Action: MailboxCount\r\nActionID: r4\r\nMailbox: 200@default\r\n\r\n"),
            line("S", "Response: Success\r\nActionID: r4\r\nMailbox: 200@default\r\nNewMessages: 4\r\n\r\n"),
            line("C", "Action: Logoff\r\nActionID: r5\r\n\r\n"),
            line("S", "Response: Goodbye\r\nActionID: r5\r\nMessage: Thanks for all the fish.\r\n\r\n"),
        ])
    }

    func testTheNextUnusedRequestWithTheSameActionAndHeadersAnswers() throws {
        var matcher = ReplayMatcher(transcript: try mailboxRecording(), speed: 0, fallbackBanner: "unused")
        XCTAssertEqual(matcher.opening().map(\.text), [banner])
        // Out of the recorded order: each request takes the first unused one that matches.
        XCTAssertEqual(text(matcher.answer(to: headers("Action: MailboxCount\nActionID: c1\nMailbox: 123@default"))),
                       "Response: Success\r\nActionID: c1\r\nMailbox: 123@default\r\nNewMessages: 0\r\n\r\n")
        // Names ignoring case, the Action's value too.
        XCTAssertEqual(text(matcher.answer(to: headers("ACTION: mailboxcount\nactionid: c2\nMAILBOX: 200@default"))),
                       "Response: Success\r\nActionID: c2\r\nMailbox: 200@default\r\nNewMessages: 3\r\n\r\n")
        XCTAssertEqual(text(matcher.answer(to: headers("Action: MailboxCount\nActionID: c3\nMailbox: 200@default"))),
                       "Response: Success\r\nActionID: c3\r\nMailbox: 200@default\r\nNewMessages: 4\r\n\r\n")
        // All three used: no counterpart.
        let fourth = matcher.answer(to: headers("Action: MailboxCount\nActionID: c4\nMailbox: 200@default"))
        XCTAssertEqual(text(fourth), "Response: Error\r\nActionID: c4\r\nMessage: amisim replay: no recorded answer for Action MailboxCount\r\n\r\n")
        XCTAssertEqual(fourth.complaint, "no recorded answer for Action MailboxCount (Mailbox: 200@default)")
        XCTAssertFalse(fourth.closesConnection)
    }

    func testDifferentValuesOrMoreHeadersDoNotMatchButTheirOrderIsFree() throws {
        let recording = try transcript([
            line("S", banner),
            line("C", "Action: Originate\r\nActionID: o1\r\nChannel: Local/s@amitest\r\nApplication: Wait\r\nData: 1\r\n\r\n"),
            line("S", "Response: Success\r\nActionID: o1\r\nMessage: Originate successfully queued\r\n\r\n"),
        ])
        var matcher = ReplayMatcher(transcript: recording, speed: 0, fallbackBanner: "unused")
        for request in ["Action: Originate\nChannel: Local/s@amitest\nApplication: Wait\nData: 2",
                        "Action: Originate\nChannel: Local/s@amitest\nApplication: Wait\nData: 1\nAsync: true",
                        "Action: Originate\nChannel: Local/s@amitest\nApplication: Wait",
                        "Action: Originat\nChannel: Local/s@amitest\nApplication: Wait\nData: 1"] {
            XCTAssertNotNil(matcher.answer(to: headers(request)).complaint, request)
        }
        let answer = matcher.answer(to: headers("Action: Originate\nData: 1\nActionID: x\nApplication: Wait\nChannel: Local/s@amitest"))
        XCTAssertNil(answer.complaint)
        XCTAssertEqual(text(answer), "Response: Success\r\nActionID: x\r\nMessage: Originate successfully queued\r\n\r\n")
    }

    func testSecretAndKeyAreNotCompared() throws {
        let recording = try transcript([
            line("S", banner),
            line("C", "Action: Login\r\nActionID: 1\r\nAuthType: MD5\r\nUsername: admin\r\nKey: ********\r\n\r\n"),
            line("S", "Response: Success\r\nActionID: 1\r\nMessage: Authentication accepted\r\n\r\n"),
            line("C", "Action: SecretThing\r\nActionID: 2\r\nSecret: ********\r\nKey: ********\r\nName: n\r\n\r\n"),
            line("S", "Response: Success\r\nActionID: 2\r\nMessage: done\r\n\r\n"),
        ])
        var matcher = ReplayMatcher(transcript: recording, speed: 0, fallbackBanner: "unused")
        // A plain login with a real secret takes the recorded MD5 login's answer.
        XCTAssertEqual(text(matcher.answer(to: headers("Action: Login\nActionID: a\nUsername: other\nSecret: hunter2"))),
                       "Response: Success\r\nActionID: a\r\nMessage: Authentication accepted\r\n\r\n")
        XCTAssertEqual(text(matcher.answer(to: headers("Action: SecretThing\nActionID: b\nName: n\nKey: abc\nsecret: xyz"))),
                       "Response: Success\r\nActionID: b\r\nMessage: done\r\n\r\n")
    }

    func testActionIDsAreRewrittenAddedAndLeftOut() throws {
        let recording = try transcript([
            line("S", banner),
            // Recorded without ActionID (the telnet style).
            line("C", "Action: Login\r\nUsername: admin\r\nSecret: ********\r\n\r\n"),
            line("S", "Response: Success\r\nMessage: Authentication accepted\r\n\r\nEvent: FullyBooted\r\nPrivilege: system,all\r\n\r\n"),
            line("C", "Action: Originate\r\nActionID: amiscript-2\r\nChannel: Local/s@amitest\r\n\r\n"),
            line("S", "Response: Success\r\nActionID: amiscript-2\r\nMessage: Originate successfully queued\r\n\r\nEvent: Newchannel\r\nChannel: x\r\n\r\n"),
            line("C", "Action: Ping\r\nActionID: amiscript-3\r\n\r\n"),
            // The response cut between two reads, then an event of the earlier action.
            line("S", "Response: Success\r\nActionI"),
            line("S", "D: amiscript-3\r\nPing: Pong\r\n\r\nEvent: OriginateResponse\r\nActionID: amiscript-2\r\nResponse: Success\r\n\r\n"),
            line("C", "Action: CoreStatus\r\nActionID: amiscript-4\r\n\r\n"),
            line("S", "Response: Success\r\nActionID: amiscript-4\r\nCoreCurrentCalls: 1\r\n\r\n"),
        ])
        var matcher = ReplayMatcher(transcript: recording, speed: 0, fallbackBanner: "unused")
        // The client's ActionID is added to the response only (not to the events).
        XCTAssertEqual(text(matcher.answer(to: headers("Action: Login\nActionID: L\nUsername: admin\nSecret: s"))),
                       "Response: Success\r\nActionID: L\r\nMessage: Authentication accepted\r\n\r\nEvent: FullyBooted\r\nPrivilege: system,all\r\n\r\n")
        XCTAssertEqual(text(matcher.answer(to: headers("Action: Originate\nActionID: O\nChannel: Local/s@amitest"))),
                       "Response: Success\r\nActionID: O\r\nMessage: Originate successfully queued\r\n\r\nEvent: Newchannel\r\nChannel: x\r\n\r\n")
        // The later event of the Originate carries the client's Originate ActionID.
        let ping = matcher.answer(to: headers("Action: Ping\nActionID: P"))
        XCTAssertEqual(text(ping), "Response: Success\r\nActionID: P\r\nPing: Pong\r\n\r\nEvent: OriginateResponse\r\nActionID: O\r\nResponse: Success\r\n\r\n")
        // A line cut between two reads goes with the read that ended it.
        XCTAssertEqual(ping.pieces.map(\.text).first, "Response: Success\r\n")
        // A client that sends no ActionID gets none.
        XCTAssertEqual(text(matcher.answer(to: headers("Action: CoreStatus"))), "Response: Success\r\nCoreCurrentCalls: 1\r\n\r\n")
    }

    func testLoginAndLogoffWithoutARecordedAnswer() throws {
        let recording = try transcript([line("S", banner), line("C", "Action: Logoff\r\n\r\n")])
        var matcher = ReplayMatcher(transcript: recording, speed: 1, fallbackBanner: "unused")
        let login = matcher.answer(to: headers("Action: Login\nActionID: 7\nUsername: anyone\nSecret: anything"))
        XCTAssertEqual(text(login), "Response: Success\r\nActionID: 7\r\nMessage: Authentication accepted\r\n\r\n")
        XCTAssertNil(login.complaint)
        let challenge = matcher.answer(to: headers("Action: Challenge\nAuthType: MD5"))
        XCTAssertEqual(text(challenge), "Response: Success\r\nChallenge: 123456789\r\n\r\n")
        // The recorded Logoff has no answer (the script ended at once): the standard Goodbye.
        let logoff = matcher.answer(to: headers("Action: Logoff\nActionID: 8"))
        XCTAssertEqual(text(logoff), "Response: Goodbye\r\nActionID: 8\r\nMessage: Thanks for all the fish.\r\n\r\n")
        XCTAssertTrue(logoff.closesConnection)
        XCTAssertTrue(matcher.answer(to: headers("Action: Logoff")).closesConnection)
    }

    func testTheRecordedSpacingDividedByTheSpeed() throws {
        let recording = try transcript([
            line("S", banner, t: 0.01),
            line("C", "Action: Originate\r\nActionID: 1\r\n\r\n", t: 0.5),
            line("S", "Response: Success\r\nActionID: 1\r\n\r\n", t: 0.6),
            line("S", "Event: Newchannel\r\n\r\n", t: 0.6),
            line("S", "Event: Hangup\r\n\r\n", t: 2.6),
        ])
        let expected: [(Double, [Double])] = [(1, [0.1, 0, 2]), (4, [0.025, 0, 0.5]), (0, [0, 0, 0])]
        for (speed, delays) in expected {
            var matcher = ReplayMatcher(transcript: recording, speed: speed, fallbackBanner: "unused")
            XCTAssertEqual(matcher.opening().map(\.delay), [speed == 0 ? 0 : 0.01 / speed], "speed \(speed)")
            let answer = matcher.answer(to: headers("Action: Originate\nActionID: 1"))
            XCTAssertEqual(answer.pieces.count, 3)
            for (piece, delay) in zip(answer.pieces, delays) {
                XCTAssertEqual(piece.delay, delay, accuracy: 1e-9, "speed \(speed)")
            }
        }
        // Without times (the older transcripts), everything goes at once.
        var untimed = ReplayMatcher(transcript: try mailboxRecording(), speed: 1, fallbackBanner: "unused")
        XCTAssertEqual(untimed.answer(to: headers("Action: Login")).pieces.map(\.delay), [0])
    }

    func testTheBannerComesFromTheRecordingOrItsMetadataOrTheOption() throws {
        let metadata = #"{"recorded_by":"amiscript 0.4.0","server":"h:1","banner":"Asterisk Call Manager/5.0.1","time":"2026-12-01T10:00:00Z"}"#
        let noServerText = try transcript([metadata, line("C", "Action: Ping\r\n\r\n")])
        XCTAssertEqual(ReplayMatcher(transcript: noServerText, speed: 1, fallbackBanner: "B").opening().map(\.text),
                       ["Asterisk Call Manager/5.0.1\r\n"])
        let bare = try transcript([line("C", "Action: Ping\r\n\r\n")])
        XCTAssertEqual(ReplayMatcher(transcript: bare, speed: 1, fallbackBanner: "B").opening().map(\.text), ["B\r\n"])
    }

    /// A recording of a script that reconnected: each connection has its metadata line;
    /// the second banner is not sent again, the second connection's requests still answer.
    func testSeveralConnectionsInOneFile() throws {
        let metadata = #"{"recorded_by":"amiscript 0.4.0","server":"h:1","banner":"Asterisk Call Manager/13.0.0","time":"2026-12-01T10:00:00Z"}"#
        let recording = try transcript([
            metadata, line("S", banner), line("C", "Action: Ping\r\nActionID: 1\r\n\r\n"), line("S", "Response: Success\r\nActionID: 1\r\nPing: Pong\r\n\r\n"),
            metadata, line("S", "Asterisk Call Manager/99\r\n"), line("C", "Action: CoreStatus\r\nActionID: 2\r\n\r\n"),
            line("S", "Response: Success\r\nActionID: 2\r\nCoreCurrentCalls: 0\r\n\r\n"),
        ])
        XCTAssertEqual(recording.requests.count, 2)
        var matcher = ReplayMatcher(transcript: recording, speed: 0, fallbackBanner: "unused")
        XCTAssertEqual(matcher.opening().map(\.text), [banner])
        XCTAssertEqual(text(matcher.answer(to: headers("Action: Ping\nActionID: 1"))), "Response: Success\r\nActionID: 1\r\nPing: Pong\r\n\r\n")
        XCTAssertEqual(text(matcher.answer(to: headers("Action: CoreStatus\nActionID: 2"))),
                       "Response: Success\r\nActionID: 2\r\nCoreCurrentCalls: 0\r\n\r\n")
    }

    func testAMalformedFileIsSaidWithItsLine() {
        let cases: [(String, String)] = [
            ("\n\n{\"dir\":\"S\",\"data\":\"x\"}\n{\"dir\":\"C\",\"data\":\"y\"\n", "line 4: column 22: unexpected end of the line, wanted ',' or '}'"),
            ("{\"dir\":\"S\",\"data\":\"x\"}\nhello\n", "line 2: column 1: unexpected 'h', wanted a JSON object '{'"),
            ("{\"dir\":\"S\",\"data\":\"x\",\"t\":-2}\n", "line 1: \"t\" must be a number of seconds, zero or more, not -2.0"),
            ("", "no recorded traffic (no line with \"dir\")"),
            ("{\"recorded_by\":\"x\"}\n", "no recorded traffic (no line with \"dir\")"),
            ("{\"dir\":\"C\",\"data\":\"Action: \(String(repeating: "x", count: 1_100_000))\"}\n",
             "line 1: the client's bytes are no AMI request: AMI line longer than 1048576 bytes without a line end"),
        ]
        for (text, message) in cases {
            XCTAssertThrowsError(try ReplayTranscript.parse(text), message) { error in
                XCTAssertEqual((error as? ReplayTranscript.FormatError)?.description, message)
            }
        }
    }

    /// Every real transcript answers its own requests with exactly what the server sent —
    /// but a Logoff Asterisk did not answer (after a failed login) gets the standard Goodbye.
    func testEveryTranscriptReplaysAsRecorded() throws {
        for recorded in try Transcripts.asteriskMaster() {
            let folder = Transcripts.transcriptsDirectory.appendingPathComponent("asterisk-master")
            let replay = try ReplayTranscript.parse(String(contentsOf: folder.appendingPathComponent(recorded.name + ".jsonl"), encoding: .utf8))
            var matcher = ReplayMatcher(transcript: replay, speed: 1, fallbackBanner: "unused")
            var served = matcher.opening().map(\.text).joined()
            XCTAssertTrue(served.hasPrefix("Asterisk Call Manager/13.0.0\r\n"), recorded.name)
            for request in replay.requests {
                let answer = matcher.answer(to: request.headers)
                XCTAssertNil(answer.complaint, "\(recorded.name): \(request.headers)")
                if request.action == "Logoff", request.answer.isEmpty {
                    XCTAssertTrue(text(answer).hasPrefix("Response: Goodbye\r\n"), recorded.name)
                    continue
                }
                served += text(answer)
            }
            XCTAssertEqual(served, String(decoding: recorded.serverBytes, as: UTF8.self), recorded.name)
        }
    }
}
