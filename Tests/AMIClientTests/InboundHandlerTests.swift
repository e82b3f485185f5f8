@testable import AMIClient
import AMIProtocol
import AMISimulator
import AMITestSupport
import NIOCore
import NIOEmbedded
import XCTest

/// The client's handler completes a packet cut by a read from the next read's first
/// bytes and decodes the rest in place: whatever the cuts, the packets are those of a
/// decoding all at once.
final class InboundHandlerTests: XCTestCase {
    private func stream() throws -> [UInt8] {
        var bytes = Array("Asterisk Call Manager/13.0.0\r\n".utf8)
        for transcript in try Transcripts.asteriskMaster() {
            bytes += Array(transcript.lines.filter(\.fromServer).dropFirst().map(\.data).joined().utf8)
        }
        // Legacy bodies (empty lines inside, glued marker), bare LF packets, events.
        bytes += Array("Response: Follows\r\nPrivilege: Command\r\nActionID: x\r\nline\n\nName : v\n2 calls processed--END COMMAND--\r\n\r\n".utf8)
        bytes += Array("Event: A\nX: 1\n\nEvent: B\r\nY: 2\r\n\n".utf8)
        for number in 0..<600 { bytes += Array(FloodEvents.event(number).utf8) }
        return bytes
    }

    /// What one decoder makes of the whole stream at once: the reference.
    private func decodeAtOnce(_ bytes: [UInt8]) throws -> [AMIMessage] {
        var decoder = AMIDecoder()
        var whole = ByteBuffer(bytes: bytes)
        var messages: [AMIMessage] = []
        while let message = try decoder.decode(buffer: &whole) { messages.append(message) }
        return messages
    }

    private func decodeThroughHandler(_ bytes: [UInt8], cuts: [Int]) throws -> [AMIMessage] {
        let loop = EmbeddedEventLoop()
        let inbox = AMIInbox(highWater: .max, pause: {}, resume: {})
        let channel = EmbeddedChannel(handler: AMIInboundHandler(inbox: inbox, decoder: AMIDecoder()), loop: loop)
        var offset = 0
        var cut = 0
        while offset < bytes.count {
            let size = max(1, cuts[cut % cuts.count])
            cut += 1
            let end = min(bytes.count, offset + size)
            try channel.writeInbound(ByteBuffer(bytes: bytes[offset..<end]))
            offset = end
        }
        _ = try channel.finish()
        var messages: [AMIMessage] = []
        let box = MessagesBox()
        let done = expectation(description: "read")
        Task {
            if case .items(let items) = try await inbox.nextBatch(deadline: .now(), timer: loop) {
                box.messages = items.flatMap { item -> [AMIMessage] in
                    switch item {
                    case .banner(let text): return [.banner(text)]
                    case .packets(let run): return run.map { .packet($0) }
                    case .bytes: return []
                    }
                }
                // The text's chunks line up with the stream: each starts where the last
                // ended, however the reads cut the packets (the decoder owns the count).
                var expectedOffset: Int64 = 0
                for case .bytes(let chunk) in items {
                    box.chunkOffsetsLineUp = box.chunkOffsetsLineUp && chunk.streamOffset == expectedOffset
                    expectedOffset += Int64(chunk.count)
                }
                box.textBytes = expectedOffset
            }
            done.fulfill()
        }
        wait(for: [done], timeout: 10)
        XCTAssertTrue(box.chunkOffsetsLineUp, "cuts \(cuts.prefix(5)): each chunk starts where the last ended")
        XCTAssertEqual(box.textBytes, Int64(bytes.count), "cuts \(cuts.prefix(5)): every byte comes as text")
        messages = box.messages
        return messages
    }

    func testCutsAnywhereGiveThePacketsOfOneDecode() throws {
        let bytes = try stream()
        let expected = try decodeAtOnce(bytes)
        XCTAssertGreaterThan(expected.count, 700)
        var generator = SystemRandomNumberGenerator()
        let patterns: [[Int]] = [
            [1], [2, 3], [7], [65536], [1000, 1, 4096, 3],
            (0..<50).map { _ in Int.random(in: 1...300, using: &generator) },
            (0..<50).map { _ in Int.random(in: 1000...70000, using: &generator) },
        ]
        for cuts in patterns {
            let got = try decodeThroughHandler(bytes, cuts: cuts)
            XCTAssertEqual(got.count, expected.count, "cuts \(cuts.prefix(5))")
            XCTAssertEqual(got, expected, "cuts \(cuts.prefix(5))")
            let ranges = got.compactMap(\.packet).map(\.streamRange)
            XCTAssertEqual(ranges, expected.compactMap(\.packet).map(\.streamRange), "stream offsets")
        }
    }

    func testNextHandsARunOverOnePacketAtATime() throws {
        // nextBatch gives a read's packets as one run; next (what perform and readers of
        // single items use) splits it, in order, and a run put back comes out first.
        let bytes = try stream()
        let expected = try decodeAtOnce(bytes)
        let loop = EmbeddedEventLoop()
        let inbox = AMIInbox(highWater: .max, pause: {}, resume: {})
        let channel = EmbeddedChannel(handler: AMIInboundHandler(inbox: inbox, decoder: AMIDecoder()), loop: loop)
        try channel.writeInbound(ByteBuffer(bytes: bytes))
        _ = try channel.finish()
        let box = MessagesBox()
        let done = expectation(description: "read")
        Task {
            var messages: [AMIMessage] = []
            var putBackOnce = true
            while case .item(let item) = try await inbox.next(deadline: .now(), timer: loop) {
                switch item {
                case .banner(let text):
                    messages.append(.banner(text))
                case .packets(let run):
                    guard run.count == 1, let packet = run.first else {
                        XCTFail("next splits runs")
                        continue
                    }
                    if putBackOnce {
                        // Put the first packet back as a run: it must come out again first
                        // (an empty run before it is skipped, not taken for the end).
                        putBackOnce = false
                        inbox.putBack([.packets(AMIPacketRun([])), .packets(AMIPacketRun([packet]))])
                        continue
                    }
                    messages.append(.packet(packet))
                case .bytes: break
                }
            }
            box.messages = messages
            done.fulfill()
        }
        wait(for: [done], timeout: 10)
        XCTAssertEqual(box.messages, expected)
    }
}

private final class MessagesBox: @unchecked Sendable {
    var messages: [AMIMessage] = []
    var chunkOffsetsLineUp = true
    var textBytes: Int64 = 0
}
