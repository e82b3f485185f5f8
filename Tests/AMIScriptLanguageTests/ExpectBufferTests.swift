@testable import AMIScriptLanguage
import NIOCore
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
        buffer.ingest(ByteBuffer(string: "aaRES"), offset: 0)
        buffer.ingest(ByteBuffer(string: "P1bbRE"), offset: 5)
        buffer.ingest(ByteBuffer(string: "SP2cc"), offset: 11)
        XCTAssertEqual(text(buffer), "aabbcc")
        XCTAssertEqual(buffer.position(ofStream: 7), 2, "stream offset 7 ('b') sits after the cut")
        XCTAssertEqual(buffer.position(ofStream: 14), 4)
        XCTAssertNil(buffer.position(ofStream: 3), "excised bytes have no position")
    }

    func testTextBeyondMatchMaxIsDroppedFromTheFront() {
        var buffer = ExpectBuffer(maxBytes: 8)
        buffer.ingest(ByteBuffer(string: "0123456789"), offset: 0)
        buffer.ingest(ByteBuffer(string: "abc"), offset: 10)
        XCTAssertEqual(text(buffer), "56789abc")
        XCTAssertEqual(buffer.headStreamOffset, 5)
    }
}
