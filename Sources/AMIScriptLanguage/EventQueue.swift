import AMIProtocol

/// The packets whose text is still in the expect buffer, oldest first, for
/// `expect event`. Packets leave from the front as the buffer's text is consumed or
/// dropped, so the queue is as bounded as the buffer and each packet is handled once.
///
/// It holds the runs the session delivers, not packets: a packet is made (and its kind
/// asked) only when an event branch looks at it, so a flood that no `expect event`
/// waits for costs one entry per read here. A run keeps its whole read alive, so runs
/// leave the queue (and free their read) as soon as their last packet is dropped.
struct EventQueue {
    /// The runs from `first` on are queued; those before it were dropped and are cleared
    /// away in one go once they are half the array (a queue without a deque type).
    private var runs: [AMIPacketRun] = []
    private var first = 0

    var isEmpty: Bool { first == runs.count }

    private static let spent = AMIPacketRun([])

    mutating func append(_ run: AMIPacketRun) {
        guard !run.isEmpty else { return }
        runs.append(run)
    }

    /// Drops the packets that begin before this stream offset.
    mutating func drop(before offset: Int64) {
        while first < runs.count {
            let run = runs[first]
            let keep = run.firstIndex(startingAtOrAfter: offset)
            if keep == run.endIndex {
                // Free the read the run holds now, not when the slot is cleared away.
                runs[first] = Self.spent
                first += 1
                continue
            }
            if keep > run.startIndex { runs[first] = run[keep..<run.endIndex] }
            break
        }
        if first == runs.count {
            removeAll()
        } else if first > 32, first * 2 > runs.count {
            runs.removeFirst(first)
            first = 0
        }
    }

    mutating func removeAll() {
        runs.removeAll(keepingCapacity: true)
        first = 0
    }

    /// The packets, oldest first, that begin at or after `offset`.
    func packets(from offset: Int64) -> FlattenSequence<[AMIPacketRun]> {
        // Runs are in stream order (and never empty): skip whole runs by their last
        // packet, then trim the first one kept.
        var index = first
        while index != runs.endIndex, runs[index].streamRange(at: runs[index].endIndex - 1).lowerBound < offset {
            index += 1
        }
        guard index != runs.endIndex else { return [AMIPacketRun]().joined() }
        var result = Array(runs[index...])
        result[0] = result[0][result[0].firstIndex(startingAtOrAfter: offset)..<result[0].endIndex]
        return result.joined()
    }
}
