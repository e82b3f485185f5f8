import AMIClient
import AMIProtocol
import AMIScriptLanguage
@testable import AMIScriptSession
import NIOCore
import XCTest

/// What an action passes over reaches the interpreter while the action waits, but a
/// chunk of text only once every packet overlapping it was looked at — so the range of a
/// packet the action took is always announced before the text that holds it.
final class ActionProgressRelayTests: XCTestCase {
    private func chunk(_ range: Range<Int64>) -> AMIInbound {
        .bytes(ByteBuffer(repeating: UInt8(ascii: "x"), count: Int(range.count)), streamOffset: range.lowerBound)
    }

    private func packet(_ range: Range<Int64>, _ name: String) -> AMIPacket {
        AMIPacket(headers: [AMIHeader("Event", name)], streamRange: range)
    }

    /// A readable trace of what the relay handed on.
    private func describe(_ progress: ActionProgress) -> String {
        switch progress {
        case .taken(let range): return "taken \(range.lowerBound)-\(range.upperBound)"
        case .received(.text(let bytes, let offset)): return "text \(offset)-\(offset + Int64(bytes.readableBytes))"
        case .received(.packets(let run)): return "packets " + run.compactMap(\.eventName).joined(separator: ",")
        case .received(let other): return "\(other)"
        }
    }

    func testTextWaitsForThePacketsOverlappingIt() {
        var trace: [String] = []
        var relay = ActionProgressRelay { trace.append(self.describe($0)) }
        // A read holding two whole packets: handed on as soon as its packets are seen.
        relay.passedOver(chunk(0..<100))
        XCTAssertEqual(trace, [], "its packets are not seen yet")
        relay.passedOver(.packets(AMIPacketRun([packet(0..<40, "P1"), packet(40..<100, "P2")])))
        XCTAssertEqual(trace, ["text 0-100", "packets P1,P2"])
        // The action's response straddles two reads.
        trace = []
        relay.passedOver(chunk(100..<200))
        relay.passedOver(chunk(200..<300))
        XCTAssertEqual(trace, [], "the packet starting in 100-200 is not seen yet")
        relay.claimed(packet(150..<250, "Response"))
        XCTAssertEqual(trace, ["taken 150-250", "text 100-200"], "announced before its text; 200-300 still waits")
        relay.passedOver(.packets(AMIPacketRun([packet(250..<300, "P3")])))
        XCTAssertEqual(trace, ["taken 150-250", "text 100-200", "text 200-300", "packets P3"])
        // The action ends with text whose packets never came (the rest stays in the stream).
        trace = []
        relay.passedOver(chunk(300..<350))
        relay.finish()
        XCTAssertEqual(trace, ["text 300-350"])
    }

    func testASinglePacketMessageCountsAsSeen() {
        var trace: [String] = []
        var relay = ActionProgressRelay { trace.append(self.describe($0)) }
        relay.passedOver(chunk(0..<10))
        relay.passedOver(.message(.packet(packet(0..<10, "Alone"))))
        XCTAssertEqual(trace, ["text 0-10", "packets Alone"])
    }
}
