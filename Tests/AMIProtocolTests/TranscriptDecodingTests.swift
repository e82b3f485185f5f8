import AMIProtocol
import AMITestSupport
import NIOCore
import XCTest

/// Every server line of every real transcript, decoded: the packets a plain reading of
/// the text expects, the same whether the bytes come one at a time or all at once.
final class TranscriptDecodingTests: XCTestCase {
    func testEveryAsteriskMasterServerLineDecodesToTheExpectedPackets() throws {
        let transcripts = try Transcripts.asteriskMaster()
        XCTAssertEqual(transcripts.count, 17)
        for transcript in transcripts {
            var decoder = AMIDecoder()
            var buffer = ByteBuffer()
            for (index, line) in transcript.lines.enumerated() where line.fromServer {
                buffer.writeString(line.data)
                var decoded: [AMIMessage] = []
                while let message = try decoder.decode(buffer: &buffer) { decoded.append(message) }
                var text = line.data
                if index == 0 {
                    XCTAssertEqual(decoded.first, .banner("Asterisk Call Manager/13.0.0"), transcript.name)
                    decoded.removeFirst()
                    text = ""
                }
                let expected = Transcripts.referencePackets(text)
                let got = packets(decoded)
                XCTAssertEqual(got.count, expected.count, "\(transcript.name) line \(index)")
                for (packet, reference) in zip(got, expected) {
                    XCTAssertEqual(packet.headers.map(\.name), reference.map(\.0), "\(transcript.name) line \(index)")
                    XCTAssertEqual(packet.headers.map(\.value), reference.map(\.1), "\(transcript.name) line \(index)")
                    XCTAssertEqual(packet.body, [], "\(transcript.name) line \(index)")
                }
                XCTAssertEqual(buffer.readableBytes, 0, "\(transcript.name): every byte belongs to a packet")
            }
        }
    }

    func testEveryTranscriptDecodesTheSameOneByteAtATimeAndAllAtOnce() throws {
        var streams = try Transcripts.asteriskMaster().map { ($0.name, $0.serverBytes) }
        // pjsip_show_endpoint was cut upstream after its last header, before the empty line:
        // complete it here (its cut form is the subject of testAStreamCutInAPacketIsAnError).
        streams += try Transcripts.legacy().map { ($0.name, Self.endingWithEmptyLine($0.server)) }
        XCTAssertEqual(streams.count, 27)
        for (name, bytes) in streams {
            let whole = try decodeAtOnce(bytes)
            let dripped = try decodeThroughPipeline(bytes, chunkSize: 1)
            let chunked = try decodeThroughPipeline(bytes, chunkSize: 7)
            XCTAssertFalse(whole.isEmpty, name)
            XCTAssertEqual(whole, dripped, name)
            XCTAssertEqual(whole, chunked, name)
            // The raw bytes of the packets are exactly what was received for them.
            for case .packet(let packet) in dripped {
                XCTAssertEqual(Int64(packet.raw.readableBytes), packet.streamRange.upperBound - packet.streamRange.lowerBound)
                XCTAssertEqual(Array(packet.raw.readableBytesView), Array(bytes[Int(packet.streamRange.lowerBound)..<Int(packet.streamRange.upperBound)]), name)
            }
        }
    }

    static func endingWithEmptyLine(_ bytes: [UInt8]) -> [UInt8] {
        bytes.suffix(4) == Array("\r\n\r\n".utf8) ? bytes : bytes + Array("\r\n".utf8)
    }

    func testAStreamCutInAPacketIsAnError() throws {
        let cut = try XCTUnwrap(try Transcripts.legacy().first { $0.name == "pjsip_show_endpoint" }?.server)
        XCTAssertThrowsError(try decodeAtOnce(cut)) { error in
            guard case .truncatedPacket(let partial) = error as? AMIDecodingError else {
                return XCTFail("\(error)")
            }
            XCTAssertTrue(partial.hasPrefix("Event: EndpointDetailComplete"), partial)
        }
    }

    func testLegacyTranscriptsDecodeAsOlderServersMeantThem() throws {
        let legacy = Dictionary(uniqueKeysWithValues: try Transcripts.legacy().map { ($0.name, Self.endingWithEmptyLine($0.server)) })

        let version = packets(try decodeAtOnce(legacy["command_core_show_version"]!))
        XCTAssertEqual(version.count, 1, "the extra empty line after the marker makes no packet")
        XCTAssertEqual(version[0].response, "Follows")
        XCTAssertEqual(version[0]["Privilege"], "Command")
        XCTAssertEqual(version[0].actionID, "action/transaction_uid/1/1")
        XCTAssertEqual(version[0].commandOutput, [
            "Asterisk 11.11.0+xivo.14.15~20140724.155259.ed5592b-wheezy built by root @ wheezy-farm on a x86_64 running Linux on 2014-08-06 19:30:37 UTC",
        ])

        let channels = packets(try decodeAtOnce(legacy["rasterisk_command"]!))
        XCTAssertEqual(channels.count, 1)
        XCTAssertEqual(channels[0].commandOutput, [
            "Channel              Location             State   Application(Data)             ",
            "0 active channels", "0 active calls", "2 calls processed",
        ])

        let failed = try decodeAtOnce(legacy["login_failed"]!)
        XCTAssertEqual(failed.first, .banner("Asterisk Call Manager/1.3"))
        XCTAssertEqual(packets(failed).map(\.isError), [true])

        let ok = packets(try decodeAtOnce(legacy["login_ok"]!))
        XCTAssertEqual(ok.map(\.kind), [.response, .event])
        XCTAssertEqual(ok[1].eventName, "FullyBooted")

        let agi = packets(try decodeAtOnce(legacy["asyncagi_get_var"]!))
        XCTAssertEqual(agi.map(\.kind), [.response, .event, .event, .event])
        XCTAssertEqual(agi[3]["Result"], "200%20result%3D1%20(SIP%2F000000)%0A", "kept as sent")
        XCTAssertEqual(AMIValueDecoding.percentDecoded(agi[3]["Result"]!), "200 result=1 (SIP/000000)\n")

        let endpoint = packets(try decodeAtOnce(legacy["pjsip_show_endpoint"]!))
        XCTAssertEqual(endpoint.first?["EventList"], "start")
        XCTAssertEqual(endpoint.dropFirst().first?.eventName, "EndpointDetail")

        let notify = packets(try decodeAtOnce(legacy["sip_notify"]!))
        XCTAssertEqual(notify.map(\.kind), [.response])
    }
}
