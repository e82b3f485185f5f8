import CAMIScan
import NIOCore

/// Turns the bytes of an AMI connection into banner and packet messages.
///
/// It is incremental: each call resumes where the last one stopped scanning, so feeding
/// one byte at a time costs the same per byte as feeding everything at once, and no
/// packet bytes are copied (a packet's `raw` is a slice of the received buffer).
/// It handles every case of PROTOCOL.md: the bare banner line, CR LF and bare LF, extra
/// empty lines, headers split on the first colon, legacy `Response: Follows` bodies ended
/// by `--END COMMAND--` (also glued to the last line), text-only packets, invalid UTF-8
/// (kept visible as U+FFFD in the strings, untouched in `raw`), and limits on line and
/// packet size so an endless line is an error rather than unbounded memory.
public struct AMIDecoder: ByteToMessageDecoder, NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = AMIMessage

    public struct Configuration: Sendable, Hashable {
        /// A client expects the banner line first; a server does not.
        public var expectsBanner: Bool
        /// Read `Response: Follows` bodies up to `--END COMMAND--` (client side).
        public var readsLegacyCommandBodies: Bool
        public var maxLineBytes: Int
        public var maxPacketBytes: Int

        public init(
            expectsBanner: Bool,
            readsLegacyCommandBodies: Bool,
            maxLineBytes: Int = 64 * 1024,
            maxPacketBytes: Int = 8 * 1024 * 1024
        ) {
            self.expectsBanner = expectsBanner
            self.readsLegacyCommandBodies = readsLegacyCommandBodies
            self.maxLineBytes = maxLineBytes
            self.maxPacketBytes = maxPacketBytes
        }

        /// What a client reading a manager needs.
        public static let client = Configuration(expectsBanner: true, readsLegacyCommandBodies: true)
        /// What a server reading requests needs.
        public static let server = Configuration(expectsBanner: false, readsLegacyCommandBodies: false)
    }

    /// Where a legacy `Response: Follows` packet is.
    private enum LegacyBody {
        case none
        /// Inside the output: only the marker ends it (empty lines are output too).
        case open
        /// The marker was seen; the next empty line ends the packet.
        case ended
    }

    public let configuration: Configuration
    private var atStreamStart = true
    /// Bytes of the buffer (from its reader index) already split into lines.
    private var scanned = 0
    /// Stream offset of the buffer's reader index.
    private var streamPosition: Int64 = 0
    /// Lines of the packet in progress (its framing needs no more than that).
    private var packetLines = 0
    private var legacy: LegacyBody = .none

    /// True inside an ordinary packet (past its first line, not a legacy body): then only
    /// its empty line can end it, whatever comes before.
    public var isInsideOrdinaryPacket: Bool {
        !atStreamStart && legacy == .none && packetLines > 0
    }

    /// Bytes framed so far (banner, packets, stray blank lines): the stream offset of the
    /// first byte not yet framed. Readers derive every stream position from this one.
    public var framedBytes: Int64 { streamPosition }

    public init(configuration: Configuration = .client) {
        self.configuration = configuration
    }

    private static let marker = Array("--END COMMAND--".utf8)
    private static let responseName = Array("response".utf8)
    private static let followsValue = Array("follows".utf8)

    // MARK: ByteToMessageDecoder

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let message = try decode(buffer: &buffer) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(message))
        return .continue
    }

    public mutating func decodeLast(
        context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool
    ) throws -> DecodingState {
        guard let message = try decodeLast(buffer: &buffer, seenEOF: seenEOF) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(message))
        return .continue
    }

    // MARK: NIOSingleStepByteToMessageDecoder

    /// The next complete message, or nil when more bytes are needed.
    public mutating func decode(buffer: inout ByteBuffer) throws -> AMIMessage? {
        guard let frame = try nextFrame(buffer: &buffer) else { return nil }
        return message(of: frame, in: &buffer)
    }

    /// At the end of the stream: what is left, or an error for a packet cut short.
    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> AMIMessage? {
        guard let frame = try nextFrameAtEnd(buffer: &buffer) else { return nil }
        return message(of: frame, in: &buffer)
    }

    private func message(of frame: Frame, in buffer: inout ByteBuffer) -> AMIMessage {
        switch frame {
        case .banner(let text):
            return .banner(text)
        case .packet(let index, let length, let streamStart):
            let end = buffer.readerIndex
            buffer.moveReaderIndex(to: index)
            let raw = buffer.readSlice(length: length) ?? ByteBuffer()
            buffer.moveReaderIndex(to: end)
            return .packet(AMIPacket(raw: raw, streamRange: streamStart..<(streamStart + Int64(length)),
                                     readsLegacyCommandBodies: configuration.readsLegacyCommandBodies))
        }
    }

    // MARK: Framing

    /// What the decoder found at the front of the bytes. A packet is reported by place,
    /// not copied or sliced: a reader that frames a whole read keeps one reference to the
    /// read and a list of places (`AMIPacketRun`) instead of a buffer slice per packet.
    public enum Frame: Sendable, Hashable {
        /// `Asterisk Call Manager/13.0.0`: the bare first line.
        case banner(String)
        /// A packet: `length` bytes at buffer index `index` (the reader index has moved
        /// past them), starting at `streamStart` in the connection's byte stream.
        case packet(index: Int, length: Int, streamStart: Int64)
    }

    /// Frames the next banner or packet and moves the reader index past it; nil when
    /// more bytes are needed.
    public mutating func nextFrame(buffer: inout ByteBuffer) throws -> Frame? {
        while true {
            if !atStreamStart, legacy == .none, packetLines > 0 || startsOrdinaryPacket(buffer) {
                // Inside an ordinary packet only its empty line matters: skip to it in
                // one pass over the bytes instead of handling line by line.
                let maxLine = configuration.maxLineBytes
                let start = scanned
                let (end, reached, lines, tooLong) = buffer.withUnsafeReadableBytes { bytes -> (Int?, Int, Int, Bool) in
                    guard let base = bytes.baseAddress else { return (nil, start, 0, false) }
                    let scan = ami_scan_packet_lines(base.assumingMemoryBound(to: UInt8.self), bytes.count, start, maxLine)
                    return (scan.end < 0 ? nil : scan.end, scan.reached, scan.lines, scan.too_long != 0)
                }
                if tooLong { throw limitError(lineStart: reached) }
                packetLines += lines
                scanned = reached
                if scanned > configuration.maxPacketBytes || (end == nil && buffer.readableBytes > configuration.maxPacketBytes) {
                    throw AMIDecodingError.packetTooLarge(limit: configuration.maxPacketBytes)
                }
                if let end { return emitPacket(length: end, from: &buffer) }
                return nil
            }
            let lineStart = scanned
            let found = buffer.withUnsafeReadableBytes { bytes -> Int? in
                guard lineStart < bytes.count else { return nil }
                let tail = UnsafeRawBufferPointer(rebasing: bytes[lineStart...])
                guard let base = tail.baseAddress,
                      let hit = memchr(base, 0x0A, tail.count) else { return nil }
                return lineStart + (base.distance(to: UnsafeRawPointer(hit)))
            }
            guard let newline = found else {
                let pending = buffer.readableBytes - lineStart
                if pending > configuration.maxLineBytes { throw limitError(lineStart: lineStart) }
                if buffer.readableBytes > configuration.maxPacketBytes {
                    throw AMIDecodingError.packetTooLarge(limit: configuration.maxPacketBytes)
                }
                return nil
            }
            if newline - lineStart > configuration.maxLineBytes { throw limitError(lineStart: lineStart) }
            scanned = newline + 1
            if scanned > configuration.maxPacketBytes {
                throw AMIDecodingError.packetTooLarge(limit: configuration.maxPacketBytes)
            }
            var contentEnd = newline
            if contentEnd > lineStart,
               buffer.getInteger(at: buffer.readerIndex + contentEnd - 1, as: UInt8.self) == 0x0D {
                contentEnd -= 1
            }
            if let frame = try take(line: lineStart..<contentEnd, from: &buffer) {
                return frame
            }
        }
    }

    /// The error for a line (starting `lineStart` bytes into the packet) longer than the
    /// line limit: that limit's, unless the packet limit is passed first in the stream (a
    /// line that breaks both). Decided by the bytes, not by where a read ended: a fuzzer
    /// found either error for the same stream, depending on the cuts.
    private func limitError(lineStart: Int) -> AMIDecodingError {
        // The line passes its limit with its byte maxLineBytes + 1, the packet with its
        // byte maxPacketBytes + 1.
        if configuration.maxPacketBytes < lineStart + configuration.maxLineBytes {
            return .packetTooLarge(limit: configuration.maxPacketBytes)
        }
        return .lineTooLong(limit: configuration.maxLineBytes)
    }

    /// `nextFrame` at the end of the stream: what is left, or an error for a packet cut short.
    public mutating func nextFrameAtEnd(buffer: inout ByteBuffer) throws -> Frame? {
        if let frame = try nextFrame(buffer: &buffer) { return frame }
        // A last line without its line end still counts as a line.
        if buffer.readableBytes > scanned {
            let start = scanned
            scanned = buffer.readableBytes
            var end = scanned
            if buffer.getInteger(at: buffer.readerIndex + end - 1, as: UInt8.self) == 0x0D { end -= 1 }
            if let frame = try take(line: start..<end, from: &buffer) { return frame }
        }
        guard hasPacketInProgress else {
            buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
            return nil
        }
        if legacy == .ended {
            // The marker was read; a server that closes without the last empty line still
            // sent a whole answer.
            return emitPacket(length: scanned, from: &buffer)
        }
        let partial = buffer.getString(at: buffer.readerIndex, length: buffer.readableBytes) ?? ""
        resetPacket()
        buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
        scanned = 0
        throw AMIDecodingError.truncatedPacket(partial: partial)
    }

    // MARK: Lines

    private var hasPacketInProgress: Bool {
        packetLines > 0 || legacy != .none
    }

    /// Handles one line (its content, line end stripped) ending at `scanned`: framing
    /// only, the lines are read into headers when the packet is first looked at.
    private mutating func take(line: Range<Int>, from buffer: inout ByteBuffer) throws -> Frame? {
        let base = buffer.readerIndex
        if atStreamStart {
            atStreamStart = false
            if configuration.expectsBanner, !line.isEmpty, Self.colonIndex(in: buffer, base: base, line: line) == nil {
                let text = buffer.getString(at: base + line.lowerBound, length: line.count) ?? ""
                consume(scanned, from: &buffer)
                return .banner(text)
            }
        }
        if line.isEmpty {
            if legacy == .open {
                packetLines += 1
                return nil
            }
            if hasPacketInProgress { return emitPacket(length: scanned, from: &buffer) }
            // An extra empty line between packets is not a packet.
            consume(scanned, from: &buffer)
            return nil
        }
        switch legacy {
        case .ended:
            // The marker was followed by more text instead of the empty line: the legacy
            // packet is over, and this line starts the next one.
            let frame = emitPacket(length: line.lowerBound, from: &buffer)
            scanned = 0
            return frame
        case .open:
            if Self.markerStart(in: buffer, base: base, line: line) != nil { legacy = .ended }
        case .none:
            if packetLines == 0, configuration.readsLegacyCommandBodies, Self.isResponseFollows(buffer, base: base, line: line) {
                legacy = .open
            }
        }
        packetLines += 1
        return nil
    }

    /// True when the bytes start a packet whose first line can only be an ordinary header
    /// (not empty, not `Response: Follows`): then its first line needs no look of its own,
    /// and the whole packet is one scan for its empty line (an event flood's case).
    private func startsOrdinaryPacket(_ buffer: ByteBuffer) -> Bool {
        guard scanned == 0, let first = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else { return false }
        switch first {
        case 0x0A, 0x0D: return false
        case UInt8(ascii: "r"), UInt8(ascii: "R"): return !configuration.readsLegacyCommandBodies
        default: return true
        }
    }

    /// `Response: Follows` (any case, any blanks after the colon).
    private static func isResponseFollows(_ buffer: ByteBuffer, base: Int, line: Range<Int>) -> Bool {
        buffer.withUnsafeReadableBytes { bytes in
            let text = UnsafeRawBufferPointer(rebasing: bytes[line])
            // Most first lines are `Event: …` or `Response: Success`: decided by a byte or two.
            guard text.count >= 16, AMIHeader.asciiLower(text[0]) == UInt8(ascii: "r") else { return false }
            guard let colon = AMIPacketParser.nameEnd(text), colon == 8 else { return false }
            let name = responseName
            for index in 0..<8 where AMIHeader.asciiLower(text[index]) != name[index] { return false }
            var start = colon + 1
            while start < text.count, text[start] == UInt8(ascii: " ") || text[start] == UInt8(ascii: "\t") { start += 1 }
            let value = followsValue
            guard text.count - start == value.count else { return false }
            for index in 0..<value.count where AMIHeader.asciiLower(text[start + index]) != value[index] { return false }
            return true
        }
    }

    private mutating func emitPacket(length: Int, from buffer: inout ByteBuffer) -> Frame {
        let frame = Frame.packet(index: buffer.readerIndex, length: length, streamStart: streamPosition)
        consume(length, from: &buffer)
        resetPacket()
        return frame
    }

    private mutating func consume(_ length: Int, from buffer: inout ByteBuffer) {
        buffer.moveReaderIndex(forwardBy: length)
        streamPosition += Int64(length)
        scanned -= length
    }

    private mutating func resetPacket() {
        packetLines = 0
        legacy = .none
    }

    // MARK: Line parsing

    private static func colonIndex(in buffer: ByteBuffer, base: Int, line: Range<Int>) -> Int? {
        buffer.withUnsafeReadableBytes { bytes in
            for index in line where bytes[index] == UInt8(ascii: ":") { return index }
            return nil
        }
    }

    /// Where `--END COMMAND--` starts when the line ends with it, also glued to the output
    /// (`2 calls processed--END COMMAND--`).
    private static func markerStart(in buffer: ByteBuffer, base: Int, line: Range<Int>) -> Int? {
        let count = marker.count
        guard line.count >= count else { return nil }
        let start = line.upperBound - count
        let matches = buffer.withUnsafeReadableBytes { bytes in
            for offset in 0..<count where bytes[start + offset] != marker[offset] { return false }
            return true
        }
        return matches ? start : nil
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
