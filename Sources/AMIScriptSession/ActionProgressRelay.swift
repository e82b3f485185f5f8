import AMIClient
import AMIProtocol
import AMIScriptLanguage
import NIOCore

/// Hands what an action passes over to the interpreter while the action waits, as soon as
/// none of it can belong to the action.
///
/// Received text comes before the packets framed from it, and a packet can straddle two
/// reads. So a chunk of text is held until every packet that overlaps it has been looked
/// at (the end of the last packet looked at is past the chunk's end): by then each packet
/// the action took was announced as `.taken`, and the interpreter leaves it out of the
/// text. Packets are looked at in stream order, so a packet not yet seen starts at or
/// after that end. Held items keep their order; at most a read or two wait at a time.
struct ActionProgressRelay {
    private var held = CircularBuffer<SessionInput>()
    /// The stream offset up to which every packet has been looked at.
    private var examinedEnd: Int64 = 0
    private let progress: (ActionProgress) -> Void

    init(progress: @escaping (ActionProgress) -> Void) {
        self.progress = progress
    }

    /// Something the action passed over.
    mutating func passedOver(_ item: AMIInbound) {
        switch item {
        case .bytes(let bytes, let offset):
            held.append(.text(bytes, offset: offset))
        case .message(.packet(let packet)):
            held.append(.packets(AMIPacketRun([packet])))
            examined(through: packet.streamRange.upperBound)
        case .packets(let run):
            guard !run.isEmpty else { return }
            held.append(.packets(run))
            examined(through: run.streamRange(at: run.endIndex - 1).upperBound)
        case .message(.banner):
            break
        }
        release()
    }

    /// A packet the action took: announced at once, before the text holding it.
    mutating func claimed(_ packet: AMIPacket) {
        progress(.taken(packet.streamRange))
        examined(through: packet.streamRange.upperBound)
        release()
    }

    /// The action is over (answered or failed): everything held goes.
    mutating func finish() {
        while let item = held.popFirst() { progress(.received(item)) }
    }

    private mutating func examined(through end: Int64) {
        examinedEnd = max(examinedEnd, end)
    }

    private mutating func release() {
        while let first = held.first {
            if case .text(let bytes, let offset) = first, offset + Int64(bytes.readableBytes) > examinedEnd { return }
            progress(.received(held.removeFirst()))
        }
    }
}
