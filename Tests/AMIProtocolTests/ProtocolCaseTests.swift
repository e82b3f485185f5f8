import AMIProtocol
import NIOCore
import XCTest

/// One test per item of the protocol spec (PROTOCOL.md: what AMI really sends) that the protocol module owns (the
/// client's items are in AMIClientTests).
final class ProtocolCaseTests: XCTestCase {
    // 1. The banner: one bare line, possibly in the same read as the next packet, or none.
    func testItem1BannerIsALineNotAPacketAndMayShareARead() throws {
        for banner in ["Asterisk Call Manager/13.0.0", "Asterisk Call Manager Proxy/1.30", "CallWeaver Call Manager/1.0"] {
            let messages = try decode("\(banner)\r\nResponse: Success\r\nPing: Pong\r\n\r\n")
            XCTAssertEqual(messages.count, 2)
            XCTAssertEqual(messages[0], .banner(banner))
            XCTAssertEqual(messages[1].packet?["Ping"], "Pong")
        }
        let noBanner = try decode("Response: Success\r\nPing: Pong\r\n\r\n")
        XCTAssertEqual(noBanner.count, 1, "a server may send no banner")
        XCTAssertEqual(noBanner[0].packet?.response, "Success")
    }

    // 2. Split on the first colon only; empty values with or without the space.
    func testItem2HeadersSplitOnTheFirstColonAndValuesMayBeEmpty() throws {
        let packet = try XCTUnwrap(packets(try decode(
            "Event: X\r\nChannel: IAX2/127.0.0.1:4569-9904\r\nVal: hello world: with colon\r\nAccountCode:\r\nPager: \r\n\r\n"
        )).first)
        XCTAssertEqual(packet["Channel"], "IAX2/127.0.0.1:4569-9904")
        XCTAssertEqual(packet["Val"], "hello world: with colon")
        XCTAssertEqual(packet["AccountCode"], "")
        XCTAssertEqual(packet["Pager"], "")
    }

    // 3. Case-insensitive names, case kept, repeats kept in order, odd names.
    func testItem3NamesAreCaseInsensitiveRepeatsKeptOddNamesAccepted() throws {
        let packet = try XCTUnwrap(packets(try decode(
            "action: Login\r\nOutput: one\r\nOutput: two\r\nChanVariable(PJSIP/100-00000001): FOO=bar\r\nSystem uptime: 46 minutes\r\n\r\n",
            configuration: .server)).first)
        XCTAssertEqual(packet["Action"], "Login")
        XCTAssertEqual(packet.headers[0].name, "action", "the received case is kept")
        XCTAssertEqual(packet.kind, .action)
        XCTAssertEqual(packet.values("OUTPUT"), ["one", "two"])
        XCTAssertEqual(packet["ChanVariable(PJSIP/100-00000001)"], "FOO=bar")
        XCTAssertEqual(packet["System uptime"], "46 minutes")
    }

    // 4. CR LF, bare LF, `\r\n\n`, and extra empty lines that make no packet.
    func testItem4LineEndsAndExtraEmptyLines() throws {
        let mixed = try decode("Response: Success\nPing: Pong\r\n\nEvent: A\r\n\r\n\r\n\r\nEvent: B\n\n")
        XCTAssertEqual(packets(mixed).map { $0["Ping"] ?? $0.eventName ?? "" }, ["Pong", "A", "B"])
        XCTAssertEqual(packets(mixed).count, 3, "no empty packet from the extra empty lines")
    }

    // 5. Command output, modern and legacy (marker on its own line or glued, empty lines, `Name : x`).
    func testItem5CommandOutputModernAndLegacy() throws {
        let modern = try XCTUnwrap(packets(try decode(
            "Response: Success\r\nActionID: c1\r\nMessage: Command output follows\r\nOutput: line one\r\nOutput: Name : x\r\n\r\n"
        )).first)
        XCTAssertEqual(modern.commandOutput, ["line one", "Name : x"])
        // Only the one blank after `Output:` is the separator: CLI indentation stays.
        let indented = try XCTUnwrap(packets(try decode(
            "Response: Success\r\nOutput: [ Context 'amitest' ]\r\nOutput:   's' => 1. Answer()\r\nOUTPUT:                     2. Wait(2)\r\nOutput:\r\nOutput: \r\nMessage:   x\r\n\r\n"
        )).first)
        XCTAssertEqual(indented.commandOutput, ["[ Context 'amitest' ]", "  's' => 1. Answer()", "                    2. Wait(2)", "", ""])
        XCTAssertEqual(indented["Message"], "x", "other headers still drop every blank after the colon")

        let legacy = packets(try decode(
            "Response: Follows\r\nPrivilege: Command\r\nActionID: c2\r\nName : x\nAnother: line with colon\n\n2 calls processed--END COMMAND--\r\n\r\nResponse: Success\r\nPing: Pong\r\n\r\n"
        ))
        XCTAssertEqual(legacy.count, 2)
        XCTAssertEqual(legacy[0].actionID, "c2")
        XCTAssertEqual(legacy[0]["Privilege"], "Command")
        XCTAssertEqual(legacy[0].commandOutput, ["Name : x", "Another: line with colon", "", "2 calls processed"])
        XCTAssertNil(legacy[0]["Another"], "output lines are not headers")
        XCTAssertEqual(legacy[1]["Ping"], "Pong")

        let crlf = packets(try decode("Response: Follows\r\nPrivilege: Command\r\nline\r\n--END COMMAND--\r\n\r\n"))
        XCTAssertEqual(crlf.first?.commandOutput, ["line"])
    }

    // 6. Event lists: marked, and older closing events known per action.
    func testItem6EventListEnds() throws {
        let marked = try XCTUnwrap(packets(try decode("Response: Success\r\nEventList: start\r\nMessage: x\r\n\r\n")).first)
        let ending = try XCTUnwrap(AMIEventList.ending(of: marked, action: "DBGet"))
        let entry = AMIPacket(headers: [AMIHeader("Event", "DBGetResponse"), AMIHeader("ActionID", "1")])
        let end = AMIPacket(headers: [AMIHeader("Event", "DBGetComplete"), AMIHeader("EventList", "Complete")])
        XCTAssertFalse(AMIEventList.isLast(entry, of: ending), "a marked list ends only at EventList: Complete")
        XCTAssertTrue(AMIEventList.isLast(end, of: ending))

        let old = AMIPacket(headers: [AMIHeader("Response", "Success"), AMIHeader("Message", "Peer status list will follow")])
        let oldEnding = try XCTUnwrap(AMIEventList.ending(of: old, action: "SIPpeers"))
        XCTAssertFalse(AMIEventList.isLast(AMIPacket(headers: [AMIHeader("Event", "PeerEntry")]), of: oldEnding))
        XCTAssertTrue(AMIEventList.isLast(AMIPacket(headers: [AMIHeader("Event", "PeerlistComplete")]), of: oldEnding))
        let oldDB = AMIPacket(headers: [AMIHeader("Response", "Success"), AMIHeader("Message", "Result will follow")])
        let dbEnding = try XCTUnwrap(AMIEventList.ending(of: oldDB, action: "DBGet"))
        XCTAssertTrue(AMIEventList.isLast(entry, of: dbEnding), "old DBGet ends with its DBGetResponse")
        XCTAssertNil(AMIEventList.ending(of: AMIPacket(headers: [AMIHeader("Response", "Success")]), action: "Ping"))
    }

    // 7. `Event:` first makes an event even with a `Response:` header.
    func testItem7ClassificationByFirstMeaningfulHeader() throws {
        let list = packets(try decode(
            "Event: OriginateResponse\r\nActionID: o1\r\nResponse: Failure\r\n\r\nResponse: Success\r\n\r\nText only\r\n\r\nActionID: x\r\n\r\n"
        ))
        XCTAssertEqual(list.map(\.kind), [.event, .response, .textOnly, .unclassified])
        XCTAssertEqual(list[0].eventName, "OriginateResponse")
        XCTAssertNil(list[1].eventName)
    }

    // 8. Ping answers of 1.4 and later both decode; the ActionID is optional.
    func testItem8PingAnswersOfOldAndNewServers() throws {
        let list = packets(try decode("Response: Pong\r\nActionID: 1\r\n\r\nResponse: Success\r\nPing: Pong\r\nTimestamp: 1.5\r\n\r\n"))
        XCTAssertEqual(list.map(\.response), ["Pong", "Success"])
        XCTAssertEqual(list.map(\.actionID), ["1", nil])
    }

    // 10. One packet across many reads, many packets in one read (with EmbeddedChannel).
    func testItem10TCPFraming() throws {
        let text = (1...50).map { "Event: E\($0)\r\nN: \($0)\r\n\r\n" }.joined()
        for size in [1, 2, 3, 5, 13, 64, 100_000] {
            let list = packets(try decodeThroughPipeline(Array(text.utf8), chunkSize: size))
            XCTAssertEqual(list.map(\.eventName), (1...50).map { "E\($0)" }, "chunk size \(size)")
        }
    }

    // 11. Non-UTF-8 bytes stay visible (U+FFFD in strings, untouched in raw) and never fail.
    func testItem11NonUTF8Bytes() throws {
        var bytes = Array("Event: Newchannel\r\nCallerIDName: ".utf8)
        bytes += [0xC8, 0xE2, 0xE0, 0xED]  // "Иван" in cp1251
        bytes += Array("\r\n\r\n".utf8)
        let packet = try XCTUnwrap(packets(try decodeThroughPipeline(bytes, chunkSize: 1)).first)
        XCTAssertEqual(packet["CallerIDName"], "\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}")
        XCTAssertEqual(Array(packet.raw.readableBytesView), bytes)
    }

    // 12. URL-encoded values are kept; decoding is a function.
    func testItem12PercentEncodedValuesAreKept() throws {
        let packet = try XCTUnwrap(packets(try decode("Event: AsyncAGI\r\nResult: 200%20result%3D1%0A\r\n\r\n")).first)
        XCTAssertEqual(packet["Result"], "200%20result%3D1%0A")
        XCTAssertEqual(AMIValueDecoding.percentDecoded(packet["Result"]!), "200 result=1\n")
        XCTAssertEqual(AMIValueDecoding.percentDecoded("100%"), "100%")
        XCTAssertEqual(AMIValueDecoding.percentDecoded("%zz%4"), "%zz%4")
    }

    // 13. No request of more than 128 lines leaves the encoder; line breaks cannot inject headers.
    func testItem13EncoderRefusesTooManyLinesAndInjection() throws {
        let many = AMIAction("UserEvent", (1...128).map { AMIHeader("H\($0)", "v") })
        XCTAssertThrowsError(try AMIEncoder.encode(many)) { XCTAssertEqual($0 as? AMIEncodingError, .tooManyLines(129)) }
        XCTAssertThrowsError(try AMIEncoder.encode(AMIAction("Ping", [AMIHeader("X", "a\r\nAction: Originate")])))
        XCTAssertThrowsError(try AMIEncoder.encode(AMIAction("Ping", [AMIHeader("Bad:Name", "a")])))
        let ok = try AMIEncoder.encode(AMIAction("MailboxCount", ["Mailbox": "123@default"]).with(actionID: "7"))
        XCTAssertEqual(String(buffer: ok), "Action: MailboxCount\r\nActionID: 7\r\nMailbox: 123@default\r\n\r\n")
    }

    // 15. Lines without any header are a text-only packet and do not break the stream.
    func testItem15TextOnlyPackets() throws {
        let list = packets(try decode(
            "default has 0 calls (max unlimited) in 'ringall' strategy (0s holdtime, 0s talktime), W:0, C:0, A:0, SL:0.0%, SL2:0.0% within 0s\r\n   No Members\r\n   No Callers\r\n\r\nResponse: Success\r\n\r\n"
        ))
        XCTAssertEqual(list.map(\.kind), [.textOnly, .response])
        XCTAssertEqual(list[0].body.count, 3)
        XCTAssertEqual(list[0].body[1], "   No Members")
    }

    // Limits: an endless line and an endless packet are clear errors.
    func testEndlessLineAndPacketAreErrors() throws {
        let config = AMIDecoder.Configuration(expectsBanner: true, readsLegacyCommandBodies: true, maxLineBytes: 1024, maxPacketBytes: 4096)
        let line = [UInt8](repeating: UInt8(ascii: "x"), count: 2000)
        XCTAssertThrowsError(try decodeThroughPipeline(line, chunkSize: 100, configuration: config)) {
            XCTAssertEqual($0 as? AMIDecodingError, .lineTooLong(limit: 1024))
        }
        let packet = Array(("Event: X\r\n" + String(repeating: "H: 0123456789\r\n", count: 400)).utf8)
        XCTAssertThrowsError(try decodeThroughPipeline(packet, chunkSize: 50, configuration: config)) {
            XCTAssertEqual($0 as? AMIDecodingError, .packetTooLarge(limit: 4096))
        }
        // The default client limit turns a 1 MiB line into an error long before 1 MiB is held.
        let huge = [UInt8](repeating: UInt8(ascii: "x"), count: 1 << 20)
        XCTAssertThrowsError(try decodeThroughPipeline(huge, chunkSize: 65536)) {
            XCTAssertEqual($0 as? AMIDecodingError, .lineTooLong(limit: 64 * 1024))
        }
    }

    /// A line that breaks both limits (a fuzzer find: fuzz/findings/decoder-minimal-both-limits)
    /// gets the error of the limit the stream passes first, however the reads are cut.
    func testALineBreakingBothLimitsGetsTheSameErrorHoweverTheReadsAreCut() throws {
        let config = AMIDecoder.Configuration(expectsBanner: false, readsLegacyCommandBodies: false, maxLineBytes: 48, maxPacketBytes: 320)
        let line = { (name: String, count: Int) in name + ": " + String(repeating: "y", count: count) + "\r\n" }
        // Packet bytes 0…279 are short lines; the next line passes the packet limit at
        // byte 321, before its own limit (byte 280 + 49).
        let packetFirst = Array((String(repeating: line("A", 30), count: 8) + line("B", 60) + "\r\n").utf8)
        // Lines of 44 bytes up to byte 264; a too-long line passes its limit at byte 313, first.
        let lineFirst = Array((String(repeating: line("A", 39), count: 6) + line("B", 60) + "\r\n").utf8)
        for (bytes, expected) in [(packetFirst, AMIDecodingError.packetTooLarge(limit: 320)), (lineFirst, .lineTooLong(limit: 48))] {
            XCTAssertThrowsError(try decodeAtOnce(bytes, configuration: config)) { XCTAssertEqual($0 as? AMIDecodingError, expected, "at once") }
            for chunkSize in [1, 7, 64, 290, 300, 330] {
                XCTAssertThrowsError(try decodeThroughPipeline(bytes, chunkSize: chunkSize, configuration: config)) {
                    XCTAssertEqual($0 as? AMIDecodingError, expected, "in reads of \(chunkSize)")
                }
            }
        }
    }

    func testStreamRangesLineUpWithTheBytes() throws {
        let text = "Asterisk Call Manager/13.0.0\r\nResponse: Success\r\n\r\n\r\nEvent: A\r\n\r\n"
        let list = packets(try decode(text))
        XCTAssertEqual(list.map(\.streamRange), [30..<51, 53..<65])
    }
}
