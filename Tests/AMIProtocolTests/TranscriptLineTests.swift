import AMIProtocol
import AMITestSupport
import Foundation
import XCTest

/// The JSON lines of `--record` and `--replay`: written as JSON any reader takes, read
/// back the same, the transcripts' own lines read too, and bad lines said in words.
final class TranscriptLineTests: XCTestCase {
    func testTrafficIsWrittenAsJSONThatAnyReaderTakes() throws {
        let data = "Response: Success\r\nMessage: \"quoted\" \\ tab\t bell\u{07} del\u{7F} é €\r\n\r\n"
        let line = AMITranscriptLine.traffic(.init(direction: .server, seconds: 1.2345, data: data))
        XCTAssertEqual(line.jsonText.prefix(23), #"{"dir":"S","t":1.235,"d"#)
        XCTAssertFalse(line.jsonText.contains("\n"))
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.jsonText.utf8)) as? [String: Any])
        XCTAssertEqual(object["dir"] as? String, "S")
        XCTAssertEqual(object["data"] as? String, data)
        XCTAssertEqual(object["t"] as? Double, 1.235)
        XCTAssertEqual(try AMITranscriptLine.parse(line.jsonText),
                       .traffic(.init(direction: .server, seconds: 1.235, data: data)))
    }

    func testMetadataKeepsItsOrderAndIsNoTraffic() throws {
        let line = AMITranscriptLine.metadata([.init("recorded_by", "amiscript 0.4.0"), .init("server", "127.0.0.1:5038"),
                                               .init("banner", "Asterisk Call Manager/13.0.0"), .init("time", "2026-12-01T10:00:00Z")])
        XCTAssertEqual(line.jsonText, #"{"recorded_by":"amiscript 0.4.0","server":"127.0.0.1:5038","banner":"Asterisk Call Manager/13.0.0","time":"2026-12-01T10:00:00Z"}"#)
        XCTAssertEqual(try AMITranscriptLine.parse(line.jsonText), line)
        // A later version's members of other kinds are skipped, not refused.
        XCTAssertEqual(try AMITranscriptLine.parse(#"{"server": "h:1", "connection": 2, "tls": false}"#),
                       .metadata([.init("server", "h:1")]))
    }

    func testTheTranscriptsLinesAreRead() throws {
        for transcript in try Transcripts.asteriskMaster() {
            let folder = Transcripts.transcriptsDirectory.appendingPathComponent("asterisk-master")
            let text = try String(contentsOf: folder.appendingPathComponent(transcript.name + ".jsonl"), encoding: .utf8)
            let lines = text.split(separator: "\n")
            XCTAssertEqual(lines.count, transcript.lines.count, transcript.name)
            for (row, expected) in zip(lines, transcript.lines) {
                guard case .traffic(let traffic) = try AMITranscriptLine.parse(String(row)) else {
                    return XCTFail("\(transcript.name): not traffic: \(row)")
                }
                XCTAssertEqual(traffic.direction, expected.fromServer ? .server : .client)
                XCTAssertEqual(traffic.data, expected.data)
                XCTAssertNil(traffic.seconds)
            }
        }
    }

    func testBadLinesAreSaidInWords() {
        let cases: [(String, String)] = [
            ("not json", "column 1: unexpected 'n', wanted a JSON object '{'"),
            (#"{"dir":"S","data":"x"} trailing"#, "column 24: unexpected 't' after the object"),
            (#"{"dir":"X","data":"x"}"#, #""dir" must be "C" or "S", not "X""#),
            (#"{"dir":"C"}"#, #"a line with "dir" needs "data""#),
            (#"{"dir":"C","data":5}"#, #""data" must be a string, not 5.0"#),
            (#"{"dir":"C","data":"x","t":-1}"#, #""t" must be a number of seconds, zero or more, not -1.0"#),
            (#"{"dir":"C","data":"x","t":"1"}"#, #""t" must be a number of seconds, zero or more, not "1""#),
            (#"{"dir":"C","data":["x"]}"#, "column 19: a transcript line holds strings and numbers, not nested values"),
            (#"{"dir":"C","data":"x"#, "column 21: unexpected end of the line inside a string"),
            (#"{"dir":"C","data":"\q"}"#, #"column 20: unknown escape '\q' in a string"#),
            (#"{"dir":"C","data":"\ud800"}"#, #"column 26: a lone surrogate \ud800 in a string"#),
        ]
        for (line, message) in cases {
            XCTAssertThrowsError(try AMITranscriptLine.parse(line), line) { error in
                XCTAssertEqual((error as? AMITranscriptLine.FormatError)?.message, message, line)
            }
        }
    }

    func testHugeOrOddTimesDoNotCrash() throws {
        for seconds in [0, 0.0004, 0.0005, 59.9999, 1e300, -3, .infinity, .nan] {
            let text = AMITranscriptLine.traffic(.init(direction: .client, seconds: seconds, data: "")).jsonText
            XCTAssertNotNil(try JSONSerialization.jsonObject(with: Data(text.utf8)), text)
        }
    }
}
