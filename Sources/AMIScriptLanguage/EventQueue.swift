import AMIProtocol
import NIOCore

/// The packets whose text is still in the expect buffer, oldest first, for
/// `expect event`. Packets leave from the front as the buffer's text is consumed or
/// dropped, so the queue is as bounded as the buffer and each packet is handled once.
///
/// It holds the runs the session delivers, not packets: a packet is made (and its kind
/// asked) only when an event branch looks at it, so a flood that no `expect event`
/// waits for costs one entry per read here. A run keeps its whole read alive, so runs
/// leave the queue (and free their read) as soon as their last packet is dropped.
struct EventQueue {
    private var runs = CircularBuffer<AMIPacketRun>()

    var isEmpty: Bool { runs.isEmpty }

    mutating func append(_ run: AMIPacketRun) {
        guard !run.isEmpty else { return }
        runs.append(run)
    }

    /// Drops the packets that begin before this stream offset.
    mutating func drop(before offset: Int64) {
        while let run = runs.first {
            let keep = run.firstIndex(startingAtOrAfter: offset)
            if keep == run.endIndex {
                runs.removeFirst()
                continue
            }
            if keep > run.startIndex { runs[runs.startIndex] = run[keep..<run.endIndex] }
            break
        }
    }

    mutating func removeAll() {
        runs.removeAll(keepingCapacity: true)
    }

    /// The packets, oldest first, that begin at or after `offset`.
    func packets(from offset: Int64) -> FlattenSequence<[AMIPacketRun]> {
        // Runs are in stream order (and never empty): skip whole runs by their last
        // packet, then trim the first one kept.
        var index = runs.startIndex
        while index != runs.endIndex, runs[index].streamRange(at: runs[index].endIndex - 1).lowerBound < offset {
            index = runs.index(after: index)
        }
        guard index != runs.endIndex else { return [AMIPacketRun]().joined() }
        var result = Array(runs[index...])
        result[0] = result[0][result[0].firstIndex(startingAtOrAfter: offset)..<result[0].endIndex]
        return result.joined()
    }
}
