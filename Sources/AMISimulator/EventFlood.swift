import NIOCore

/// The events of the `flood` fault: realistic packets of about 150 bytes, as many bytes
/// of them as asked for, then one event carrying `NewMessages:` so a script has
/// something to wait for. The events are laid out once in a 1 MiB block that is written
/// again and again, so the simulator moves bytes at socket speed and is not what a
/// benchmark measures.
struct EventFlood {
    let options: FloodOptions
    private(set) var sent = 0
    private var finished = false
    private static let block: ByteBuffer = {
        var text = ""
        var number = 0
        while text.utf8.count < 1 << 20 {
            text += event(number)
            number += 1
        }
        return ByteBuffer(string: text)
    }()

    init(options: FloodOptions) {
        self.options = options
    }

    var isDone: Bool { finished }

    /// The next piece of the flood, at most `size` bytes (whole events only, from the
    /// block), with the final event after the last piece.
    mutating func nextBatch(size: Int, allocator: ByteBufferAllocator) -> ByteBuffer {
        let block = Self.block
        let remaining = options.bytes > 0 ? options.bytes - sent : Int.max
        let wanted = min(size, remaining, block.readableBytes)
        // Whole events: cut after the last empty line in the slice.
        let offset = sent % block.readableBytes
        var length = min(wanted, block.readableBytes - offset)
        let view = block.readableBytesView
        let start = view.startIndex + offset
        var end = start + length
        while end - start >= 4, !(view[end - 4] == 13 && view[end - 3] == 10 && view[end - 2] == 13 && view[end - 1] == 10) {
            end -= 1
        }
        if end - start < 4 { end = start + length }
        length = end - start
        var piece = block.getSlice(at: block.readerIndex + offset, length: length) ?? ByteBuffer()
        sent += length
        if options.bytes > 0, sent >= options.bytes {
            finished = true
            var last = allocator.buffer(capacity: length + 128)
            last.writeBuffer(&piece)
            last.writeString(finalEvent)
            return last
        }
        return piece
    }

    /// One whole event (for the rate-limited flood).
    mutating func nextEvent(allocator: ByteBufferAllocator) -> ByteBuffer {
        let view = Self.block.readableBytesView
        let offset = sent % view.count
        var end = view.startIndex + offset + 4
        while end <= view.endIndex,
              !(view[end - 4] == 13 && view[end - 3] == 10 && view[end - 2] == 13 && view[end - 1] == 10) {
            end += 1
        }
        return nextBatch(size: end - (view.startIndex + offset), allocator: allocator)
    }

    var finalEvent: String {
        "Event: MessageWaiting\r\nPrivilege: call,all\r\nMailbox: 200@default\r\nWaiting: 1\r\n"
            + "NewMessages: \(options.finalNewMessages)\r\nOldMessages: 0\r\n\r\n"
    }

    static func event(_ number: Int) -> String {
        FloodEvents.event(number)
    }
}

/// The realistic events of a flood (about 150 bytes each), also what the decoder
/// benchmark decodes.
public enum FloodEvents {
    public static func event(_ number: Int) -> String {
        let channel = "PJSIP/\(100 + number % 50)-\(String(number % 0xFFFF, radix: 16))"
        switch number % 3 {
        case 0:
            return "Event: VarSet\r\nPrivilege: dialplan,all\r\nChannel: \(channel)\r\nUniqueid: 1795975542.\(number)\r\n"
                + "Linkedid: 1795975542.\(number)\r\nVariable: BRIDGEPEER\r\nValue: PJSIP/200-0000002b\r\n\r\n"
        case 1:
            return "Event: Newstate\r\nPrivilege: call,all\r\nChannel: \(channel)\r\nChannelState: 6\r\n"
                + "ChannelStateDesc: Up\r\nUniqueid: 1795975542.\(number)\r\nLinkedid: 1795975542.\(number)\r\n\r\n"
        default:
            return "Event: RTCPSent\r\nPrivilege: reporting,all\r\nChannel: \(channel)\r\nSSRC: 0x6d1f\r\n"
                + "SentPackets: \(number)\r\nReport0Fraction: 0\r\nUniqueid: 1795975542.\(number)\r\n\r\n"
        }
    }
}
