@testable import AMIScriptLanguage
import AMIProtocol
import XCTest

/// The expect buffer on its own: excised stream ranges, in any order, across chunks.
final class ExpectBufferTests: XCTestCase {
    private func text(_ buffer: ExpectBuffer) -> String {
        String(decoding: buffer.unconsumed, as: UTF8.self)
    }

    func testExcisedRangesAreLeftOutInAnyOrderAndAcrossChunks() {
        var buffer = ExpectBuffer(maxBytes: 1 << 20)
        // Stream: "aaRESP1bbRESP2cc" in three chunks; the responses are taken by actions,
        // the later one announced first.
        buffer.leaveOut(9..<14)   // RESP2
        buffer.leaveOut(2..<7)    // RESP1
        buffer.ingest(AMIReceivedChunk(Array("aaRES".utf8), streamOffset: 0))
        buffer.ingest(AMIReceivedChunk(Array("P1bbRE".utf8), streamOffset: 5))
        buffer.ingest(AMIReceivedChunk(Array("SP2cc".utf8), streamOffset: 11))
        XCTAssertEqual(text(buffer), "aabbcc")
        XCTAssertEqual(buffer.position(ofStream: 7), 2, "stream offset 7 ('b') sits after the cut")
        XCTAssertEqual(buffer.position(ofStream: 14), 4)
        XCTAssertNil(buffer.position(ofStream: 3), "excised bytes have no position")
    }

    func testTextBeyondMatchMaxIsDroppedFromTheFront() {
        var buffer = ExpectBuffer(maxBytes: 8)
        buffer.ingest(AMIReceivedChunk(Array("0123456789".utf8), streamOffset: 0))
        buffer.ingest(AMIReceivedChunk(Array("abc".utf8), streamOffset: 10))
        XCTAssertEqual(text(buffer), "56789abc")
        XCTAssertEqual(buffer.headStreamOffset, 5)
    }

    func testARangeAlreadyTakenInIsCutOutWhereverItIs() {
        // A packet is framed only when its last byte arrives: "RESP1" began in the first
        // chunk (already in the buffer), "RESP2" lies wholly inside the second.
        var buffer = ExpectBuffer(maxBytes: 1 << 20)
        buffer.ingest(AMIReceivedChunk(Array("aaRES".utf8), streamOffset: 0))
        buffer.ingest(AMIReceivedChunk(Array("P1bbRESP2cc".utf8), streamOffset: 5))
        buffer.leaveOut(9..<14)   // RESP2, in the middle of what is there
        buffer.leaveOut(2..<7)    // RESP1, across both chunks
        XCTAssertEqual(text(buffer), "aabbcc")
        XCTAssertEqual(buffer.position(ofStream: 7), 2)
        XCTAssertEqual(buffer.position(ofStream: 14), 4)
        XCTAssertNil(buffer.position(ofStream: 10))
        buffer.ingest(AMIReceivedChunk(Array("dd".utf8), streamOffset: 16))
        XCTAssertEqual(text(buffer), "aabbccdd")
        XCTAssertEqual(buffer.position(ofStream: 17), 7)
    }

    func testACutKeepsWhatWasConsumedAndTheRangeStillToCome() {
        var buffer = ExpectBuffer(maxBytes: 1 << 20)
        buffer.ingest(AMIReceivedChunk(Array("xxRES".utf8), streamOffset: 0))
        buffer.consume(through: 3)          // "xxR" matched by an expect already
        buffer.leaveOut(2..<9)              // "RESP1.." : the rest is cut, the tail excised
        XCTAssertEqual(text(buffer), "")
        buffer.ingest(AMIReceivedChunk(Array("P1..yy".utf8), streamOffset: 5))
        XCTAssertEqual(text(buffer), "yy")
    }
}
