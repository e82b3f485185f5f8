import AMIProtocol

/// The event packets whose text is still in the expect buffer, oldest first, for
/// `expect event`. Packets leave from the front as the buffer's text is consumed or
/// dropped, so the queue is as bounded as the buffer and each packet is handled once.
struct EventQueue {
    private var storage: [AMIPacket] = []
    private var start = 0

    var isEmpty: Bool { start == storage.count }

    mutating func append(_ packet: AMIPacket) {
        storage.append(packet)
    }

    /// Drops the packets that begin before this stream offset.
    mutating func drop(before offset: Int64) {
        while start < storage.count, storage[start].streamRange.lowerBound < offset { start += 1 }
        compact()
    }

    mutating func removeAll() {
        storage.removeAll(keepingCapacity: true)
        start = 0
    }

    /// The packets, oldest first, that begin at or after `offset`.
    func packets(from offset: Int64) -> ArraySlice<AMIPacket> {
        var index = start
        // Packets are in stream order: skip the front by binary search.
        var high = storage.count
        while index < high {
            let middle = (index + high) / 2
            if storage[middle].streamRange.lowerBound < offset { index = middle + 1 } else { high = middle }
        }
        return storage[index...]
    }

    private mutating func compact() {
        if start > 1024, start > storage.count / 2 {
            storage.removeFirst(start)
            start = 0
        }
    }
}
