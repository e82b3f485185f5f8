import AMIProtocol
import AMITestSupport
import NIOCore
import XCTest

/// `AMIDecoder.nextFrame` + `AMIRunBuilder`: the packets of a run are the packets
/// `decode` gives, with the same bytes and stream offsets, and a run can be cut and
/// searched without making its packets.
final class PacketRunTests: XCTestCase {
    /// Frames `bytes` into runs of at most `chunkSize` bytes of input each (a read), the
    /// way the client's handler does, and returns the banner and the runs.
    private func frame(_ bytes: [UInt8], chunkSize: Int) throws -> (banner: String?, runs: [AMIPacketRun]) {
        var decoder = AMIDecoder()
        var pending = ByteBuffer()
        var banner: String?
        var runs: [AMIPacketRun] = []
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + chunkSize)
            pending.writeBytes(bytes[offset..<end])
            offset = end
            var builder = AMIRunBuilder(bytes: pending, readsLegacyCommandBodies: true)
            while let frame = try decoder.nextFrame(buffer: &pending) {
                switch frame {
                case .banner(let text): banner = text
                case .packet(let index, let length, let streamStart): builder.append(index: index, length: length, streamStart: streamStart)
                }
            }
            if let run = builder.take() { runs.append(run) }
        }
        return (banner, runs)
    }

    func testRunsHoldThePacketsOfDecode() throws {
        var streams = try Transcripts.asteriskMaster().map { ($0.name, $0.serverBytes) }
        streams += try Transcripts.legacy().map { ($0.name, TranscriptDecodingTests.endingWithEmptyLine($0.server)) }
        var flood: [UInt8] = Array("Asterisk Call Manager/13.0.0\r\n".utf8)
        for number in 0..<500 {
            flood += Array("Event: VarSet\r\nPrivilege: dialplan,all\r\nChannel: PJSIP/\(number)-0000\r\nVariable: X\r\nValue: \(number)\r\n\r\n".utf8)
        }
        streams.append(("flood", flood))
        for (name, bytes) in streams {
            let expected = packets(try decodeAtOnce(bytes))
            for chunkSize in [1, 7, 4096, bytes.count] {
                let (banner, runs) = try frame(bytes, chunkSize: chunkSize)
                let got = runs.flatMap { $0 }
                XCTAssertEqual(got, expected, "\(name), reads of \(chunkSize)")
                XCTAssertEqual(got.map(\.streamRange), expected.map(\.streamRange), "\(name), reads of \(chunkSize)")
                XCTAssertEqual(got.map(\.headers), expected.map(\.headers), "\(name), reads of \(chunkSize)")
                XCTAssertEqual(got.map(\.body), expected.map(\.body), "\(name), reads of \(chunkSize)")
                if name == "flood" { XCTAssertEqual(banner, "Asterisk Call Manager/13.0.0") }
                for run in runs {
                    XCTAssertFalse(run.isEmpty, "a run is never empty")
                    for index in run.indices {
                        XCTAssertEqual(run.streamRange(at: index), run[index].streamRange)
                        XCTAssertEqual(Array(run[index].raw.readableBytesView),
                                       Array(bytes[Int(run[index].streamRange.lowerBound)..<Int(run[index].streamRange.upperBound)]))
                    }
                }
            }
        }
    }

    func testOneHeaderLookupAgreesWithTheWholeParse() throws {
        // `packet[name]` on a framed packet reads only the line it needs; it must give what
        // the whole parse gives, legacy command answers and text lines included.
        var streams = try Transcripts.asteriskMaster().map(\.serverBytes)
        streams += try Transcripts.legacy().map { TranscriptDecodingTests.endingWithEmptyLine($0.server) }
        streams.append(Array("Response: Follows\r\nPrivilege: Command\r\nActionID: 7\r\nName: x\n--END COMMAND--\r\n\r\n".utf8))
        streams.append(Array("Queue has 0 calls W:0, C:0\r\nevent: late\r\n\r\nEVENT: Upper\r\nactionid: a:b\r\nActionID: second\r\n\r\n".utf8))
        var checked = 0
        for bytes in streams {
            for packet in packets(try decodeAtOnce(bytes)) {
                let parsed = packet.parsedCopy
                let names = Set(parsed.headers.map(\.name) + ["ActionID", "Event", "Response", "Output", "Name", "Nope", "actionid"])
                for name in names {
                    XCTAssertEqual(packet[name], parsed[name], "\(name) in \(packet.wireText)")
                    checked += 1
                }
            }
        }
        XCTAssertGreaterThan(checked, 1000)
    }

    func testARunIsCutAndSearchedByStreamOffset() throws {
        var bytes: [UInt8] = Array("Asterisk Call Manager/13.0.0\r\n".utf8)
        // Extra empty lines between packets are not packets: offsets must skip them.
        for number in 0..<10 { bytes += Array("Event: E\(number)\r\n\r\n\r\n".utf8) }
        let (_, runs) = try frame(bytes, chunkSize: bytes.count)
        let run = try XCTUnwrap(runs.first)
        XCTAssertEqual(runs.count, 1)
        XCTAssertEqual(run.count, 10)
        let starts = run.indices.map { run.streamRange(at: $0).lowerBound }
        XCTAssertEqual(starts[1] - starts[0], Int64("Event: E0\r\n\r\n\r\n".utf8.count))
        XCTAssertEqual(run.firstIndex(startingAtOrAfter: 0), run.startIndex)
        XCTAssertEqual(run.firstIndex(startingAtOrAfter: starts[3]), run.startIndex + 3)
        XCTAssertEqual(run.firstIndex(startingAtOrAfter: starts[3] + 1), run.startIndex + 4)
        XCTAssertEqual(run.firstIndex(startingAtOrAfter: .max), run.endIndex)
        let tail = run[(run.startIndex + 4)..<run.endIndex]
        XCTAssertEqual(tail.map(\.eventName), (4..<10).map { "E\($0)" })
        XCTAssertEqual(tail.firstIndex(startingAtOrAfter: 0), run.startIndex + 4, "indices keep their values")

        let single = AMIPacketRun([run[2]])
        XCTAssertEqual(single.map(\.eventName), ["E2"])
        XCTAssertEqual(single.streamRange(at: 0), run.streamRange(at: 2))
    }
}
