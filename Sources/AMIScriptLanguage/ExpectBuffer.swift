import NIOCore

/// The text `expect` looks at: what was received and not yet consumed, at most
/// `maxBytes` of it (the oldest is dropped), minus the stream ranges that `action` took.
/// Positions are absolute (bytes appended since the start), so they stay valid while the
/// front is consumed.
struct ExpectBuffer {
    private(set) var storage: [UInt8] = []
    /// Absolute position of storage[0].
    private(set) var base = 0
    /// Absolute position of the first unconsumed byte.
    private(set) var head = 0
    var maxBytes: Int
    private var excisions: [Range<Int64>] = []
    /// Pieces appended: absolute position, stream offset, length (for locating packets).
    private var segments: [(position: Int, stream: Int64, length: Int)] = []
    /// The last bytes received (256 to 512 of them), for error messages.
    private(set) var recentTail: [UInt8] = []

    init(maxBytes: Int) {
        self.maxBytes = maxBytes
    }

    var end: Int { base + storage.count }
    var unconsumedCount: Int { end - head }

    /// The unconsumed bytes.
    var unconsumed: ArraySlice<UInt8> { storage[(head - base)...] }

    /// Leaves a stream range out of the text to come (kept sorted by start; ranges
    /// nearly always come in stream order, so this appends).
    mutating func leaveOut(_ range: Range<Int64>) {
        var index = excisions.endIndex
        while index > excisions.startIndex, excisions[index - 1].lowerBound > range.lowerBound { index -= 1 }
        excisions.insert(range, at: index)
    }

    /// Adds received text (its stream offset given), leaving out excised ranges.
    mutating func ingest(_ buffer: ByteBuffer, offset: Int64) {
        buffer.withUnsafeReadableBytes { ingest($0.bindMemory(to: UInt8.self), offset: offset) }
    }

    mutating func ingest(_ bytes: UnsafeBufferPointer<UInt8>, offset: Int64) {
        recentTail.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[max(0, bytes.count - 256)...]))
        if recentTail.count > 512 { recentTail.removeFirst(recentTail.count - 256) }
        var pieceStart = 0
        var index = 0
        let chunkEnd = offset + Int64(bytes.count)
        if excisions.isEmpty {
            append(UnsafeBufferPointer(rebasing: bytes[...]), stream: offset)
            trimToMax()
            return
        }
        excisions.removeAll { $0.upperBound <= offset }
        for cut in excisions where cut.lowerBound < chunkEnd {
            let cutStart = max(0, Int(cut.lowerBound - offset))
            let cutEnd = min(bytes.count, Int(cut.upperBound - offset))
            if cutStart > index {
                append(UnsafeBufferPointer(rebasing: bytes[pieceStart..<cutStart]), stream: offset + Int64(pieceStart))
            }
            index = max(index, cutEnd)
            pieceStart = index
        }
        if pieceStart < bytes.count {
            append(UnsafeBufferPointer(rebasing: bytes[pieceStart...]), stream: offset + Int64(pieceStart))
        }
        trimToMax()
    }

    private mutating func append(_ piece: UnsafeBufferPointer<UInt8>, stream: Int64) {
        guard !piece.isEmpty else { return }
        if storage.count + piece.count > storage.capacity {
            // The most the buffer holds between compactions is about twice maxBytes (see
            // compact): reserving that once spares the copies and fresh pages of growing
            // by doubling. Pages are only touched as text arrives, so a quiet script pays
            // for address space, not memory.
            let ceiling = 2 * maxBytes + 256 * 1024
            let wanted = storage.count + piece.count
            storage.reserveCapacity(wanted <= ceiling && maxBytes <= 16 << 20 ? ceiling : wanted * 2)
        }
        // Text that continues the stream extends the last piece: without excisions there
        // is one piece however many reads there were.
        if let last = segments.last, last.position + last.length == end, last.stream + Int64(last.length) == stream {
            segments[segments.count - 1].length += piece.count
        } else {
            segments.append((end, stream, piece.count))
        }
        storage.append(contentsOf: piece)
    }

    /// Drops the oldest text beyond `maxBytes`.
    private mutating func trimToMax() {
        if unconsumedCount > maxBytes { head = end - maxBytes }
        compact()
    }

    /// Consumes through absolute position `position`.
    mutating func consume(through position: Int) {
        head = max(head, min(position, end))
        compact()
    }

    private mutating func compact() {
        let dead = head - base
        if dead > 64 * 1024, dead > storage.count / 2 {
            storage.removeFirst(dead)
            base = head
        }
        var dropped = 0
        while dropped < segments.count, segments[dropped].position + segments[dropped].length <= head { dropped += 1 }
        if dropped > 0 { segments.removeFirst(dropped) }
    }

    /// The absolute position of a stream offset, when those bytes are in the buffer.
    func position(ofStream offset: Int64) -> Int? {
        for segment in segments where offset >= segment.stream && offset < segment.stream + Int64(segment.length) {
            return segment.position + Int(offset - segment.stream)
        }
        return nil
    }

    /// The stream offset the first unconsumed byte came from (nil when none).
    var headStreamOffset: Int64? {
        for segment in segments where head >= segment.position && head < segment.position + segment.length {
            return segment.stream + Int64(head - segment.position)
        }
        return nil
    }

    func text(_ range: Range<Int>) -> String {
        String(decoding: storage[(range.lowerBound - base)..<(range.upperBound - base)], as: UTF8.self)
    }
}
