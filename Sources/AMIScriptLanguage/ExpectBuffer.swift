import AMIProtocol

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
    /// Stream ranges to leave out of text still to come.
    private var excisions: [Range<Int64>] = []
    /// The stream offset just past the last byte taken in.
    private var ingestedEnd: Int64 = 0
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

    /// Leaves a stream range (a packet an action took) out of the text: what of it is
    /// already here goes now, the rest when it comes. A packet is framed only once its last
    /// byte has arrived, so its first bytes may be here already — at the end, nearly always.
    mutating func leaveOut(_ range: Range<Int64>) {
        if range.lowerBound < ingestedEnd { cutIngested(range) }
        guard range.upperBound > ingestedEnd else { return }
        // Kept sorted by start; ranges nearly always come in stream order, so this appends.
        var index = excisions.endIndex
        while index > excisions.startIndex, excisions[index - 1].lowerBound > range.lowerBound { index -= 1 }
        excisions.insert(range, at: index)
    }

    /// Removes the unconsumed bytes of a stream range that were already taken in.
    private mutating func cutIngested(_ range: Range<Int64>) {
        var cuts: [Range<Int>] = []
        for segment in segments {
            let low = max(range.lowerBound, segment.stream)
            let high = min(range.upperBound, segment.stream + Int64(segment.length))
            guard low < high else { continue }
            let start = max(head, segment.position + Int(low - segment.stream))
            let end = segment.position + Int(high - segment.stream)
            if start < end { cuts.append(start..<end) }
        }
        // The newest first, so the positions of the others hold.
        for cut in cuts.reversed() { remove(cut) }
    }

    private mutating func remove(_ cut: Range<Int>) {
        storage.removeSubrange((cut.lowerBound - base)..<(cut.upperBound - base))
        var kept: [(position: Int, stream: Int64, length: Int)] = []
        for segment in segments {
            let segmentEnd = segment.position + segment.length
            if segmentEnd <= cut.lowerBound {
                kept.append(segment)
            } else if segment.position >= cut.upperBound {
                kept.append((segment.position - cut.count, segment.stream, segment.length))
            } else {
                if segment.position < cut.lowerBound {
                    kept.append((segment.position, segment.stream, cut.lowerBound - segment.position))
                }
                if segmentEnd > cut.upperBound {
                    let skipped = cut.upperBound - segment.position
                    kept.append((cut.lowerBound, segment.stream + Int64(skipped), segmentEnd - cut.upperBound))
                }
            }
        }
        segments = kept
    }

    /// Adds received text, leaving out excised ranges.
    mutating func ingest(_ chunk: AMIReceivedChunk) {
        chunk.withUnsafeBytes { ingest($0, offset: chunk.streamOffset) }
    }

    mutating func ingest(_ bytes: UnsafeBufferPointer<UInt8>, offset: Int64) {
        recentTail.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[max(0, bytes.count - 256)...]))
        if recentTail.count > 512 { recentTail.removeFirst(recentTail.count - 256) }
        var pieceStart = 0
        var index = 0
        let chunkEnd = offset + Int64(bytes.count)
        ingestedEnd = max(ingestedEnd, chunkEnd)
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
            let ceiling = 4 * maxBytes + 256 * 1024
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
        if dead > 64 * 1024, dead > storage.count / 4 * 3 {
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
