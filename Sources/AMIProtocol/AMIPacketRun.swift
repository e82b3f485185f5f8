import NIOCore

/// Packets in stream order, made into `AMIPacket` values only when read.
///
/// A reader framing a read of 64 KiB finds some 400 events in it. Holding each as an
/// `AMIPacket` (a buffer slice: a reference count touched, an enum wrapped, 50-odd bytes
/// copied through every queue) costs more than framing them; a run holds the read once
/// and 8 bytes per packet, so a flood that nobody asks about as packets crosses the
/// queues almost for free. `AMIDecoder.Frame` gives the places; `AMIRunBuilder` collects
/// them.
public struct AMIPacketRun: Sendable, RandomAccessCollection {
    /// Where one packet is: offset from the run's base and length.
    public struct Span: Sendable, Hashable {
        var offset: UInt32
        var length: UInt32
    }

    private enum Storage: Sendable {
        /// Spans in `bytes`, whose reader index sits at stream offset `baseStream`.
        case framed(bytes: ByteBuffer, baseStream: Int64, spans: ArraySlice<Span>, readsLegacyCommandBodies: Bool)
        /// Packets already made (single packets, tests).
        case packets(ArraySlice<AMIPacket>)
    }

    private let storage: Storage

    /// Packets at `spans` of `bytes`; `baseStream` is the stream offset of its reader index.
    init(bytes: ByteBuffer, baseStream: Int64, spans: [Span], readsLegacyCommandBodies: Bool) {
        storage = .framed(bytes: bytes, baseStream: baseStream, spans: spans[...], readsLegacyCommandBodies: readsLegacyCommandBodies)
    }

    public init(_ packets: [AMIPacket]) {
        storage = .packets(packets[...])
    }

    private init(storage: Storage) {
        self.storage = storage
    }

    public var startIndex: Int {
        switch storage {
        case .framed(_, _, let spans, _): return spans.startIndex
        case .packets(let packets): return packets.startIndex
        }
    }

    public var endIndex: Int {
        switch storage {
        case .framed(_, _, let spans, _): return spans.endIndex
        case .packets(let packets): return packets.endIndex
        }
    }

    public subscript(position: Int) -> AMIPacket {
        switch storage {
        case .framed(let bytes, let baseStream, let spans, let legacy):
            let span = spans[position]
            let start = baseStream + Int64(span.offset)
            let raw = bytes.getSlice(at: bytes.readerIndex + Int(span.offset), length: Int(span.length)) ?? ByteBuffer()
            return AMIPacket(raw: raw, streamRange: start..<(start + Int64(span.length)), readsLegacyCommandBodies: legacy)
        case .packets(let packets):
            return packets[position]
        }
    }

    /// Where packet `position` sits in the stream, without making the packet.
    public func streamRange(at position: Int) -> Range<Int64> {
        switch storage {
        case .framed(_, let baseStream, let spans, _):
            let span = spans[position]
            let start = baseStream + Int64(span.offset)
            return start..<(start + Int64(span.length))
        case .packets(let packets):
            return packets[position].streamRange
        }
    }

    /// The packets at `positions` (indices keep their values), sharing this run's storage.
    public subscript(positions: Range<Int>) -> AMIPacketRun {
        switch storage {
        case .framed(let bytes, let baseStream, let spans, let legacy):
            return AMIPacketRun(storage: .framed(bytes: bytes, baseStream: baseStream, spans: spans[positions], readsLegacyCommandBodies: legacy))
        case .packets(let packets):
            return AMIPacketRun(storage: .packets(packets[positions]))
        }
    }

    /// The first position, from `start` on, whose packet has `value` as its first `name`
    /// header — found without making the packets it passes (how an action finds its
    /// response in a read full of other events).
    public func firstIndex(from start: Int, whereHeader name: String, is value: String) -> Int? {
        switch storage {
        case .framed(let bytes, _, let spans, let legacy):
            return bytes.withUnsafeReadableBytes { all -> Int? in
                for position in start..<spans.endIndex {
                    let span = spans[position]
                    let packet = UnsafeRawBufferPointer(rebasing: all[Int(span.offset)..<Int(span.offset + span.length)])
                    switch AMIPacketParser.firstValue(named: name, in: packet, readsLegacyCommandBodies: legacy) {
                    case .found(let found): if found == value { return position }
                    case .absent: continue
                    case .needsParse: if self[position][name] == value { return position }
                    }
                }
                return nil
            }
        case .packets(let packets):
            return packets[start...].firstIndex { $0[name] == value }
        }
    }

    /// The first position whose packet starts at or after `offset` (packets are in stream order).
    public func firstIndex(startingAtOrAfter offset: Int64) -> Int {
        var low = startIndex
        var high = endIndex
        while low < high {
            let middle = (low + high) / 2
            if streamRange(at: middle).lowerBound < offset { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

/// Collects the packets a decoder frames in one buffer into a run.
public struct AMIRunBuilder {
    private let bytes: ByteBuffer
    private var baseStream: Int64?
    private var spans: [AMIPacketRun.Span] = []
    private let readsLegacyCommandBodies: Bool

    /// `bytes`: the buffer being framed, as it is before framing starts (its storage is
    /// kept by the run). `expectedCount`: room to reserve.
    public init(bytes: ByteBuffer, readsLegacyCommandBodies: Bool, expectedCount: Int = 0) {
        self.bytes = bytes
        self.readsLegacyCommandBodies = readsLegacyCommandBodies
        spans.reserveCapacity(expectedCount)
    }

    public var isEmpty: Bool { spans.isEmpty }

    /// Adds a packet frame of `nextFrame` on a copy of `bytes`.
    public mutating func append(index: Int, length: Int, streamStart: Int64) {
        let offset = index - bytes.readerIndex
        if baseStream == nil { baseStream = streamStart - Int64(offset) }
        spans.append(AMIPacketRun.Span(offset: UInt32(offset), length: UInt32(length)))
    }

    /// The run of everything added so far; the builder starts over (same bytes).
    public mutating func take() -> AMIPacketRun? {
        guard let baseStream, !spans.isEmpty else { return nil }
        let run = AMIPacketRun(bytes: bytes, baseStream: baseStream, spans: spans, readsLegacyCommandBodies: readsLegacyCommandBodies)
        spans = []
        return run
    }
}
