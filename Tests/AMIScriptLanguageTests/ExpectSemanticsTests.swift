import AMIProtocol
@testable import AMIScriptLanguage
import Foundation
import XCTest

/// The expect rules of LANGUAGE.md against a fake session (no sockets).
final class ExpectSemanticsTests: XCTestCase {
    func testEarliestStartWinsAndTiesGoToTheFirstBranch() async {
        let session = FakeSession()
        session.receiveText("xx BBB AAA")
        let result = await runScript("""
            connect
            expect {
                /AAA/ { print "A" }
                /BBB/ { print "B" }
            }
            expect {
                /A+/ { print "first" }
                /AAA/ { print "second" }
            }
            """, session: session)
        XCTAssertEqual(result.output, "B\nfirst\n")
        XCTAssertEqual(result.code, 0)
    }

    func testMatchConsumesThroughItsEndAndBindsBefore() async {
        let session = FakeSession()
        session.receiveText("one two three")
        let result = await runScript("""
            connect
            expect /two/ { print "[$before]" "[$0]" }
            expect /(\\w+)/ { print "[$before]" "[$1]" }
            """, session: session)
        XCTAssertEqual(result.output, "[one ] [two]\n[ ] [three]\n")
    }

    /// PCRE2's match limit stops a pattern that backtracks without end: the expect ends
    /// with an error naming its pattern, at once, instead of hanging the script.
    func testAPatternThatBacktracksForeverIsAnErrorNamingIt() async {
        let session = FakeSession()
        session.receiveText(String(repeating: "a", count: 80) + "!")
        let result = await runScript("connect\nexpect -timeout 5 { /^(([a-z])+.)+[A-Z]([a-z])+$/ { print 1 } timeout { print 2 } }", session: session)
        XCTAssertEqual(result.code, 1)
        XCTAssertTrue(result.diagnostic?.contains("the regex /^(([a-z])+.)+[A-Z]([a-z])+$/ gave up on this text (match limit exceeded)") == true, result.diagnostic ?? "")
    }

    /// Three fuzzer finds (fuzz/findings/expect-minimal-*): incremental scanning must find
    /// what a scan of the whole text from its head finds.
    func testIncrementalScanningAgreesWithAWholeScanAtItsEdges() async {
        // \G anchors where a scan starts: the head, not where the last read ended.
        var session = FakeSession()
        session.receiveText("a")
        session.receiveText("b")
        var result = await runScript("connect\nexpect -timeout 0.3 { /\\Gb/ { print \"G\" } timeout { print \"none\" } }", session: session)
        XCTAssertEqual(result.output, "none\n")
        // (*SKIP) changes where the next attempt starts: the same.
        session = FakeSession()
        session.receiveText("You have 12 ")
        session.receiveText("MESSAGES\r\n")
        result = await runScript("connect\nexpect -timeout 0.3 { /(\\d+(*SKIP)) messages/i { print $1 } timeout { print \"none\" } }", session: session)
        XCTAssertEqual(result.output, "12\n")
        // A character cut between two reads ("ü" is C3 BC) is found whole.
        session = FakeSession()
        session.receiveBytes(Array("CallerIDName: M".utf8) + [0xC3])
        session.receiveBytes([0xBC] + Array("ller\r\n".utf8))
        result = await runScript("connect\nexpect -timeout 0.3 { /Müller/ { print \"found\" } timeout { print \"none\" } }", session: session)
        XCTAssertEqual(result.output, "found\n")
        // … and `$` does not match where that character was cut off (more text follows).
        session = FakeSession()
        session.receiveBytes(Array("o".utf8) + [0xD7])
        result = await runScript("connect\nexpect -timeout 0.3 { /o$/ { print \"end\" } timeout { print \"none\" } }", session: session)
        XCTAssertEqual(result.output, "none\n")
        // Nor `\z` and `\Z` (fuzz/findings/expect-minimal-z-before-unfinished-char): the
        // text is all that came, the unfinished bytes as they are (not UTF-8, so not a
        // word character either).
        for (pattern, output) in [("o\\z", "none"), ("o\\Z", "none"), ("o\\b", "[o]"), ("o+", "[o]")] {
            session = FakeSession()
            session.receiveBytes(Array("o".utf8) + [0xD7])
            result = await runScript("connect\nexpect -timeout 0.3 { /\(pattern)/ { print \"[$0]\" } timeout { print \"none\" } }", session: session)
            XCTAssertEqual(result.output, output + "\n", pattern)
        }
        // … which match once the character is whole, as a scan of the whole text would.
        session = FakeSession()
        session.receiveBytes(Array("oo".utf8) + [0xD7])
        session.receiveBytes([0x90] + Array("o".utf8))
        result = await runScript("connect\nexpect -timeout 0.3 { /o+\\b/ { print \"[$0]\" } timeout { print \"none\" } }", session: session)
        XCTAssertEqual(result.output, "[oo]\n")
        // A pattern that starts with `.*` finds a match after a byte that is not UTF-8
        // (fuzz/findings/expect-minimal-dotstar-after-invalid-byte).
        session = FakeSession()
        session.receiveBytes([0x61, 0xBE])
        session.receiveBytes([0x62])
        result = await runScript("connect\nexpect -timeout 0.3 { /.*?.$/ { print \"[$0]\" } timeout { print \"none\" } }", session: session)
        XCTAssertEqual(result.output, "[b]\n")
    }

    func testAMatchSplitAcrossReadsIsFound() async {
        let session = FakeSession()
        for piece in ["New", "Mess", "ages: ", "4", "2\r\n"] { session.receiveText(piece) }
        let result = await runScript("connect\nexpect /NewMessages: (\\d+)\\r\\n/ { print $1 }", session: session)
        XCTAssertEqual(result.output, "42\n")
    }

    func testScanningIsIncremental() async {
        // 20,000 one-byte reads before the match: each read scans only new text (a rescan
        // of the whole buffer each time would be 200 million byte steps).
        let session = FakeSession()
        // Realistic text in small reads, some of them cut inside a would-be match.
        for index in 0..<20_000 { session.receiveText(index % 2 == 0 ? "Event: Newexten\r\nNewMe" : "ssageCount: x\r\n\r\n") }
        session.receiveText("DONE")
        let source = SourceFile(name: "t", text: "connect\nexpect -timeout 60 { /DONE/ { print \"found\" }\n /NewMessages:\\s*(\\d+)/ }")
        let output = CapturedOutput()
        let interpreter = Interpreter(configuration: .init(scriptName: "t", arguments: [], environment: [:]),
                                      session: session, output: output)
        let result = await interpreter.run(Parser.parse(source).script.statements)
        XCTAssertEqual(result.exitCode, 0)
        XCTAssertEqual(output.output, "found\n")
        XCTAssertEqual(session.receiveCalls, 20_001)
        // Two branches over about 400 KB: each byte is looked at about once per branch (a
        // partial match is looked at again when the next read arrives). A rescan of the
        // whole buffer per read would be about 8 billion.
        let total = 10_000 * ("Event: Newexten\r\nNewMe".utf8.count + "ssageCount: x\r\n\r\n".utf8.count) + 4
        XCTAssertLessThan(interpreter.scannedBytes, 3 * total)
    }

    func testMatchMaxDropsTheOldestText() async {
        let session = FakeSession()
        session.receiveText("HEAD" + String(repeating: ".", count: 100))
        let result = await runScript("""
            set match_max 50
            connect
            expect -timeout 0 {
                /HEAD/ { print "kept" }
                timeout { print "dropped"; print len($before) }
            }
            """, session: session)
        XCTAssertEqual(result.output, "dropped\n50\n")
    }

    func testUnhandledTimeoutIsAnErrorWithPatternTimeoutAndTail() async {
        let session = FakeSession()
        session.receiveText("Response: Error\r\nMessage: Permission denied\r\n\r\n")
        let result = await runScript("connect\nexpect -timeout 0 /NewMessages:\\s*(\\d+)/", session: session)
        XCTAssertEqual(result.code, 124)
        XCTAssertEqual(result.diagnostic, #"test.ami:2:1: error: expect timed out after 0s waiting for /NewMessages:\s*(\d+)/; last received: "Response: Error\r\nMessage: Permission denied\r\n\r\n""#)
    }

    func testUnhandledEofIsAConnectionError() async {
        let session = FakeSession()
        session.receiveEnd("the server closed the connection")
        let result = await runScript("connect\nexpect /x/", session: session)
        XCTAssertEqual(result.code, 69)
        XCTAssertEqual(result.diagnostic, #"test.ami:2:1: error: expect reached eof (the server closed the connection) waiting for /x/; last received: """#)
    }

    func testExpectBeforeAndAfterBranchesJoinEveryExpect() async {
        let session = FakeSession()
        session.receiveText("abc")
        let result = await runScript("""
            connect
            expect_after /a/ { print "after" }
            expect_before /a/ { print "before" }
            expect /a/ { print "own" }
            """, session: session)
        XCTAssertEqual(result.output, "before\n", "same start: expect_before counts as written first")
    }

    func testExpContinueRestartsTheSameExpect() async {
        let session = FakeSession()
        session.receiveText("n=1 n=2 n=3 end")
        let result = await runScript("""
            connect
            set total 0
            expect {
                /n=(\\d)/ { set total ($total + $1); exp_continue }
                /end/
            }
            print $total
            """, session: session)
        XCTAssertEqual(result.output, "6\n")
    }

    func testEventBranchMatchesAWholePacketAndItsCondition() async {
        let session = FakeSession()
        session.receivePacket("Event: Hangup\r\nChannel: SIP/1\r\n\r\n")
        session.receivePacket("Event: Hangup\r\nChannel: SIP/2\r\nCause: 16\r\n\r\n")
        let result = await runScript("""
            connect
            expect event hangup where $event.Channel == "SIP/2" { print ${event.Cause} }
            expect -timeout 0 {
                /SIP\\/1/ { print "SIP/1 was consumed by the event match" }
                timeout { print "buffer consumed through the matching event" }
            }
            """, session: session)
        XCTAssertEqual(result.output, "16\nbuffer consumed through the matching event\n")
    }

    func testEventBranchesLookInsideARunOfPackets() async {
        // One read, many packets (one run, as the client delivers a read): the second
        // expect finds the packet after the one the first took, not the run's start.
        let session = FakeSession()
        session.receiveRun((1...50).map { "Event: Newstate\r\nChannel: SIP/\($0)\r\n\r\n" })
        let result = await runScript("""
            connect
            expect event newstate where $event.Channel == "SIP/20" { print $event.Channel }
            expect event newstate { print $event.Channel }
            expect -timeout 0 /SIP\\/(\\d+)\\r/ { print "text" $1 }
            """, session: session)
        XCTAssertEqual(result.output, "SIP/20\nSIP/21\ntext 22\n")
    }

    func testEventsDroppedWithTheirTextByMatchMax() async {
        // match_max drops the oldest text partway through a run: the packets whose text
        // went can no longer match, the rest of the run still can.
        let session = FakeSession()
        session.receiveRun((1...40).map { "Event: Newstate\r\nChannel: SIP/\($0)\r\n\r\n" })
        let result = await runScript("""
            set match_max 300
            connect
            expect -timeout 0 {
                event newstate where $event.Channel == "SIP/3" { print "too old, still matched" }
                timeout { print "dropped" }
            }
            expect -timeout 0 event newstate { print $event.Channel }
            """, session: session)
        // 40 packets of 35 or 36 bytes (1,431 in all); the last 300 bytes begin inside
        // SIP/32's packet, so SIP/33 is the oldest that can still match.
        XCTAssertEqual(result.output, "dropped\nSIP/33\n")
    }

    func testActionTakesItsResponseOutOfTheExpectBuffer() async {
        let session = FakeSession()
        session.receiveText("Event: A\r\n\r\n")
        // The response's bytes arrive as text too; the action takes them out.
        session.answers = ["Response: Success\r\nActionID: {id}\r\nPing: Pong\r\n\r\nEvent: B\r\n\r\n"]
        let result = await runScript("""
            connect
            action Ping
            print $response.Ping
            expect -timeout 0 {
                /Pong/ { print "still there" }
                /Event: B/ { print "[$before]" }
            }
            """, session: session)
        XCTAssertEqual(result.output, "Pong\n[Event: A\r\n\r\n]\n")
    }

    func testAResponseCutAcrossReadsLeavesNoTrace() async {
        // The response begins in one read (its bytes reach the buffer before it can be
        // framed), ends in the next, between events; a list's events too.
        let firstRead = "Event: A\r\n\r\nResponse: Success\r\nActionID: 1\r\nEventList: start\r\nMess"
        let session = FakeSession()
        session.receiveText(firstRead)
        let script = """
            connect
            action Status
            print len($events) $events[0].Channel
            expect -timeout 0 {
                /ActionID|Mess|Complete|SIP.1\\r/ { print "leaked [$before]" }
                /Event: C\\r\\n\\r\\n/ { print "[$before]" }
            }
            """
        let result = await runScript(script, session: session)
        XCTAssertEqual(result.output, "", result.diagnostic ?? "")
        XCTAssertEqual(result.code, 124, "the first read alone does not answer")
        let complete = FakeSession()
        complete.receiveText(firstRead)
        complete.receiveText("age: follows\r\n\r\nEvent: B\r\n\r\nEvent: Status\r\nActionID: 1\r\nChannel: SIP/1\r\n\r\nEve")
        complete.receiveText("nt: StatusComplete\r\nActionID: 1\r\nEventList: Complete\r\n\r\nEvent: C\r\n\r\n")
        let answered = await runScript(script, session: complete)
        XCTAssertEqual(answered.output, "1 SIP/1\n[Event: A\r\n\r\nEvent: B\r\n\r\n]\n", answered.diagnostic ?? "")
    }

    func testSendTurnsLineFeedsIntoCRLFUnlessRaw() async {
        let session = FakeSession()
        _ = await runScript("connect\nsend \"a\\nb\\r\\nc\"\nsend -raw \"x\\ny\"", session: session)
        XCTAssertEqual(session.sent, ["a\r\nb\r\nc", "x\ny"])
    }

    func testLoginWithMD5UsesTheChallenge() async {
        let session = FakeSession()
        session.answers = [
            "Response: Success\r\nActionID: {id}\r\nChallenge: 39057962\r\n\r\n",
            "Response: Success\r\nActionID: {id}\r\nMessage: Authentication accepted\r\n\r\n",
        ]
        let result = await runScript("connect\nlogin admin secret5 md5 events off\nprint $response.Message", session: session)
        XCTAssertEqual(result.output, "Authentication accepted\n")
        XCTAssertEqual(session.actions.map(\.0), ["Challenge", "Login"])
        XCTAssertEqual(session.actions[1].1, [
            AMIHeader("AuthType", "MD5"), AMIHeader("Username", "admin"),
            AMIHeader("Key", "7a9bbf142e6e72ef353d7fa858bc5e7c"), AMIHeader("Events", "off"),
        ])
    }

    func testRepeatedHeadersJoinAndLegacyOutputBindsLikeModern() async {
        let session = FakeSession()
        session.answers = [
            "Response: Success\r\nActionID: {id}\r\nOutput: a\r\nOutput: b\r\n\r\n",
            "Response: Follows\r\nPrivilege: Command\r\nActionID: {id}\r\na\nb\n--END COMMAND--\r\n\r\n",
        ]
        let result = await runScript("""
            connect
            command "x"
            print $output "|" $response.Output
            command "x"
            print $output "|" $response.Output
            """, session: session)
        XCTAssertEqual(result.output, "a\nb | a\nb\na\nb | a\nb\n")
    }

    func testLogFileRecordsTheSessionWithSecretsMasked() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("amiscript-log-\(getpid()).txt").path
        try? FileManager.default.removeItem(atPath: path)
        let session = FakeSession()
        session.receiveText("Response: Success\r\n\r\n")
        let result = await runScript("""
            log_file "\(path)"
            connect
            send "Action: Login\\nUsername: admin\\nSecret: hunter2\\n\\n"
            expect /Success/
            log_file off
            send "Action: Ping\\n\\n"
            """, session: session)
        XCTAssertEqual(result.code, 0, result.diagnostic ?? "")
        let log = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertEqual(log, "Action: Login\r\nUsername: admin\r\nSecret: ********\r\n\r\nResponse: Success\r\n\r\n")
        XCTAssertEqual(session.sent.last, "Action: Ping\r\n\r\n", "sent, but after log_file off")
    }

    func testSecretReadsFromTheTerminalAndLogUserMasksIt() async {
        let session = FakeSession()
        session.receiveText("Secret: shown\r\nrest")
        let result = await runScript("""
            set pw secret("Password: ")
            print len($pw)
            connect
            log_user on
            expect /rest/
            """, session: session)
        XCTAssertEqual(result.output, "12\nSecret: ********\r\nrest")
    }

    func testAPatternInALoopIsCompiledOnce() async {
        let session = FakeSession()
        for index in 1...5 { session.receiveText("n=\(index)\r\n") }
        let source = SourceFile(name: "t", text: """
            connect
            set total 0
            for i in 1..5 { expect /n=(\\d)/ { set total ($total + $1) } }
            print $total
            """)
        let output = CapturedOutput()
        let interpreter = Interpreter(configuration: .init(scriptName: "t", arguments: [], environment: [:]),
                                      session: session, output: output)
        _ = await interpreter.run(Parser.parse(source).script.statements)
        XCTAssertEqual(output.output, "15\n")
        XCTAssertEqual(interpreter.regexCache.count, 1)
    }
}
