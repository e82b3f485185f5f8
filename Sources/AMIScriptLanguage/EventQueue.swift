import AMIProtocol

/// The packets whose text is still in the expect buffer, oldest first, for
/// `expect event`. Packets leave from the front as the buffer's text is consumed or
/// dropped, so the queue is as bounded as the buffer and each packet is handled once.
///
/// It holds the runs the session delivers, not packets: a packet is made (and its kind
/// asked) only when an event branch looks at it, so a flood that no `expect event`
/// waits for costs one entry per read here.
struct EventQueue {
    private var runs: [AMIPacketRun] = []
    private var start = 0

    var isEmpty: Bool { start == runs.count }

    mutating func append(_ run: AMIPacketRun) {
        guard !run.isEmpty else { return }
        runs.append(run)
    }

    /// Drops the packets that begin before this stream offset.
    mutating func drop(before offset: Int64) {
        while start < runs.count {
            let run = runs[start]
            let keep = run.firstIndex(startingAtOrAfter: offset)
            if keep == run.endIndex {
                start += 1
                continue
            }
            if keep > run.startIndex { runs[start] = run[keep..<run.endIndex] }
            break
        }
        compact()
    }

    mutating func removeAll() {
        runs.removeAll(keepingCapacity: true)
        start = 0
    }

    /// The packets, oldest first, that begin at or after `offset`.
    func packets(from offset: Int64) -> FlattenSequence<[AMIPacketRun]> {
        // Runs are in stream order (and never empty): skip whole runs by their last
        // packet, then trim the first one kept.
        var index = start
        while index < runs.count, runs[index].streamRange(at: runs[index].endIndex - 1).lowerBound < offset {
            index += 1
        }
        guard index < runs.count else { return [AMIPacketRun]().joined() }
        var result = Array(runs[index...])
        result[0] = result[0][result[0].firstIndex(startingAtOrAfter: offset)..<result[0].endIndex]
        return result.joined()
    }

    private mutating func compact() {
        if start > 1024, start > runs.count / 2 {
            runs.removeFirst(start)
            start = 0
        }
    }
}
