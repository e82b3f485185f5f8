import AMITestSupport
import CAMIScan
import XCTest

/// `ami_scan_packet_lines` (the decoder's inner loop, 16 bytes at a time) against the
/// line-by-line loop it replaced, on random packets cut at random places.
final class PacketLineScanTests: XCTestCase {
    /// The replaced loop: from a line start, the first empty line (LF or CR LF alone) ends
    /// the packet; a line longer than maxLine stops the scan.
    private func reference(_ bytes: [UInt8], start: Int, maxLine: Int) -> (end: Int?, reached: Int, lines: Int, tooLong: Bool) {
        var position = start
        var lines = 0
        while position < bytes.count {
            let first = bytes[position]
            if first == 0x0A { return (position + 1, position + 1, lines, false) }
            if first == 0x0D {
                guard position + 1 < bytes.count else { break }
                if bytes[position + 1] == 0x0A { return (position + 2, position + 2, lines, false) }
            }
            guard let newline = bytes[position...].firstIndex(of: 0x0A) else {
                return (nil, position, lines, bytes.count - position > maxLine)
            }
            if newline - position > maxLine { return (nil, position, lines, true) }
            position = newline + 1
            lines += 1
        }
        return (nil, position, lines, false)
    }

    private func scan(_ bytes: [UInt8], start: Int, maxLine: Int) -> ami_line_scan {
        bytes.withUnsafeBufferPointer { ami_scan_packet_lines($0.baseAddress!, $0.count, start, maxLine) }
    }

    func testAgreesWithTheLineByLineLoopOnRandomPackets() {
        var generator = SeededGenerator(seed: 14)
        // Mostly text, with line ends of every kind, so that packets end anywhere in a block.
        let alphabet: [UInt8] = Array("ab: ".utf8) + [0x0D, 0x0A, 0x0A, 0x0D, 0x0A]
        for round in 0..<20_000 {
            let length = Int.random(in: 1...300, using: &generator)
            var bytes = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
            // Make long runs without line ends now and then, for the line limit.
            if round % 7 == 0 { bytes.replaceSubrange(0..<min(length, 100), with: repeatElement(UInt8(ascii: "x"), count: min(length, 100))) }
            let start = Int.random(in: 0..<length, using: &generator)
            // A line start, as the decoder always gives.
            guard start == 0 || bytes[start - 1] == 0x0A else { continue }
            let maxLine = [8, 20, 40, 64 * 1024].randomElement(using: &generator)!
            let expected = reference(bytes, start: start, maxLine: maxLine)
            let found = scan(bytes, start: start, maxLine: maxLine)
            let context = "bytes \(bytes) start \(start) maxLine \(maxLine)"
            XCTAssertEqual(found.end < 0 ? nil : found.end, expected.end, context)
            XCTAssertEqual(found.too_long != 0, expected.tooLong, context)
            if found.too_long != 0 || found.end < 0 {
                XCTAssertEqual(found.reached, expected.reached, context)
            }
            XCTAssertEqual(found.lines > 0, expected.lines > 0, context)
        }
    }

    func testAFloodOfEventsIsFramedPacketByPacket() {
        let event = Array("Event: VarSet\r\nPrivilege: dialplan,all\r\nChannel: PJSIP/100-00000001\r\nVariable: X\r\nValue: 1\r\n\r\n".utf8)
        let bytes = Array(repeating: event, count: 50).flatMap { $0 }
        var start = 0
        var count = 0
        while start < bytes.count {
            // The decoder scans from the end of a packet's first line.
            let firstLineEnd = bytes[start...].firstIndex(of: 0x0A)! + 1
            let found = scan(bytes, start: firstLineEnd, maxLine: 64 * 1024)
            XCTAssertEqual(found.end, start + event.count)
            start = found.end
            count += 1
        }
        XCTAssertEqual(count, 50)
    }
}
