import AMIProtocol
import NIOCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// libFuzzer's entry. The input is two bytes of settings, then the byte stream a
/// connection receives:
///
/// - byte 0, bits: 1 the client's configuration (banner first, legacy `Response: Follows`
///   bodies), else the server's; 2 small limits (lines of 48 bytes, packets of 320), to
///   reach the limit errors;
/// - byte 1: the seed of the random splits.
///
/// The stream is decoded all at once, in random splits and one byte at a time (the end of
/// the stream included): the three must give the same banner, packets and places, and end
/// with the same error if any. Every packet's `raw` must be exactly its bytes of the
/// stream; the cheap look-ups of a framed packet (`packet["Name"]`, `kind`) must agree with
/// its parsed headers; a packet run framed read by read, as the client frames them, must
/// hold the same packets; a packet written back (`wireText`) must decode to itself.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDecoder(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: start, count: count)
    guard input.count >= 2 else { return 0 }
    let settings = input[0]
    var random = SplitMix(seed: UInt64(input[1]) &* 0x9E37_79B9 &+ UInt64(input.count))
    let stream = Array(input[2...])

    let client = settings & 1 != 0
    let small = settings & 2 != 0
    let configuration = AMIDecoder.Configuration(
        expectsBanner: client, readsLegacyCommandBodies: client,
        maxLineBytes: small ? 48 : 64 * 1024, maxPacketBytes: small ? 320 : 8 * 1024 * 1024)

    let whole = decode(stream, in: [stream.count], configuration: configuration)
    var sizes: [Int] = []
    var left = stream.count
    while left > 0 {
        // Mostly small reads, some large ones, and now and then an empty one.
        let roll = Int(random.next() % 100)
        let size = roll < 5 ? 0 : roll < 85 ? 1 + Int(random.next() % 16) : 1 + Int(random.next() % 512)
        sizes.append(min(size, left))
        left -= min(size, left)
    }
    let split = decode(stream, in: sizes, configuration: configuration)
    let dripped = decode(stream, in: Array(repeating: 1, count: stream.count), configuration: configuration)

    same(whole, split, "random splits \(sizes)")
    same(whole, dripped, "one byte at a time")

    var previousEnd: Int64 = 0
    for (message, range) in zip(whole.messages, whole.ranges) {
        guard case .packet(let packet) = message, let range else { continue }
        // Packets are in stream order, do not overlap, and raw is exactly their bytes.
        check(range.lowerBound >= previousEnd && range.upperBound > range.lowerBound && range.upperBound <= Int64(stream.count),
              "packet at \(range) after \(previousEnd) in \(stream.count) bytes")
        previousEnd = range.upperBound
        check(Array(packet.raw.readableBytesView) == Array(stream[Int(range.lowerBound)..<Int(range.upperBound)]),
              "raw is not the stream's bytes \(range)")
        checkLookups(packet, client: client)
        // Written back, a name or value that was not UTF-8 is U+FFFD (3 bytes for each bad
        // byte): a name can pass the 100-byte limit of a header name. Valid text only.
        let raw = Array(packet.raw.readableBytesView)
        // Legacy answers (`Response: Follows`) are left out: their wireText is ambiguous by
        // nature (a body line `ActionID: x` written back reads as a header; the marker is
        // written after any packet whose Response is Follows, legacy-framed or not).
        let follows = packet.response.map { AMIHeader.namesEqual($0, "Follows") } ?? false
        if client && !small && !follows && Array(String(decoding: raw, as: UTF8.self).utf8) == raw {
            checkRoundTrip(packet)
        }
    }
    checkRuns(stream, sizes: sizes, configuration: configuration, expected: whole)
    return 0
}

/// What one way of feeding the stream gave.
struct Decoded {
    var messages: [AMIMessage] = []
    /// The stream range of each message (nil for the banner).
    var ranges: [Range<Int64>?] = []
    var error: AMIDecodingError?
    /// Where in the stream the error came (bytes fed so far), for the report.
    var fedAtError = 0
}

/// Feeds `stream` to a fresh decoder in reads of `sizes`, then ends the stream.
func decode(_ stream: [UInt8], in sizes: [Int], configuration: AMIDecoder.Configuration) -> Decoded {
    var decoder = AMIDecoder(configuration: configuration)
    var buffer = ByteBuffer()
    var result = Decoded()
    var fed = 0
    func take(_ message: AMIMessage) {
        result.messages.append(message)
        result.ranges.append(message.packet?.streamRange)
    }
    do {
        for size in sizes {
            buffer.writeBytes(stream[fed..<(fed + size)])
            fed += size
            while let message = try decoder.decode(buffer: &buffer) { take(message) }
            // A long-lived connection's buffer drops what was read; the decoder's places
            // are relative to the reader index, so this must not matter.
            if size % 3 == 0 { buffer.discardReadBytes() }
        }
        check(fed == stream.count, "sizes do not cover the stream")
        while let message = try decoder.decodeLast(buffer: &buffer, seenEOF: true) { take(message) }
        check(buffer.readableBytes == 0, "bytes left after the end of the stream: \(buffer.readableBytes)")
        check(decoder.framedBytes == Int64(stream.count), "framedBytes \(decoder.framedBytes) at the end of \(stream.count) bytes")
    } catch let error as AMIDecodingError {
        result.error = error
        result.fedAtError = fed
    } catch {
        fatalError("the decoder threw something else: \(error)")
    }
    return result
}

func same(_ a: Decoded, _ b: Decoded, _ how: String) {
    // A limit error may come as soon as the limit is passed: the messages before it are
    // the same whichever way the bytes came, and so is the error (the limit the stream
    // passes first, for a line that breaks both).
    check(a.error == b.error, "error at once: \(String(describing: a.error)); \(how): \(String(describing: b.error)) (after \(b.fedAtError) bytes)")
    check(a.messages.count == b.messages.count, "\(a.messages.count) messages at once, \(b.messages.count) \(how)")
    for (index, (x, y)) in zip(a.messages, b.messages).enumerated() {
        check(x == y, "message \(index) differs at once / \(how):\n\(x)\n---\n\(y)")
        check(a.ranges[index] == b.ranges[index], "message \(index) at \(String(describing: a.ranges[index])) at once, \(String(describing: b.ranges[index])) \(how)")
    }
}

/// The framed packet's fast answers against its parsed headers.
func checkLookups(_ packet: AMIPacket, client: Bool) {
    let parsed = packet.parsedCopy
    check(packet.headers == parsed.headers && packet.body == parsed.body, "parsedCopy differs")
    check(packet.kind == parsed.kind, "kind \(packet.kind) framed, \(parsed.kind) parsed:\n\(parsed)")
    var names = ["Event", "Response", "Action", "ActionID", "Privilege", "Output", "event", "ACTIONID"]
    // Names as received (a name with U+FFFD in it came from bytes that were not UTF-8:
    // looking it up by the replacement character is not meant to find it).
    names += parsed.headers.prefix(8).map(\.name).filter { !$0.unicodeScalars.contains("\u{FFFD}") }
    for name in names {
        let expected = parsed.headers.first { $0.hasName(name) }?.value
        check(packet[name] == expected, "packet[\"\(name)\"] is \(String(describing: packet[name])), the headers say \(String(describing: expected)):\n\(parsed)")
    }
    check(packet.eventName == parsed.eventName, "eventName differs")
    check(packet.isError == parsed.isError, "isError differs")
    check(packet.commandOutput == parsed.commandOutput, "commandOutput differs")
    _ = packet.wireText
}

/// A decoded packet written back as wire text decodes to the same packet.
func checkRoundTrip(_ packet: AMIPacket) {
    let text = packet.wireText
    var decoder = AMIDecoder(configuration: AMIDecoder.Configuration(expectsBanner: false, readsLegacyCommandBodies: true))
    var buffer = ByteBuffer(string: text)
    var again: [AMIMessage] = []
    do {
        while let message = try decoder.decode(buffer: &buffer) { again.append(message) }
        while let message = try decoder.decodeLast(buffer: &buffer, seenEOF: true) { again.append(message) }
    } catch {
        fatalError("wireText of a decoded packet does not decode (\(error)):\n\(VisibleBytes(text))")
    }
    check(again == [.packet(packet)], """
        wireText decodes to \(again.count) other message(s):
        \(VisibleBytes(text))
        headers \(packet.headers.map { VisibleBytes("\($0)") }), body \(packet.body.map(VisibleBytes.init))
        again: \(again.map { message in message.packet.map { "headers \($0.headers.map { VisibleBytes("\($0)") }), body \($0.body.map(VisibleBytes.init))" } ?? "\(message)" })
        """)
}

/// The client's way: each read framed with `nextFrame` into an `AMIPacketRun`.
func checkRuns(_ stream: [UInt8], sizes: [Int], configuration: AMIDecoder.Configuration, expected: Decoded) {
    var decoder = AMIDecoder(configuration: configuration)
    var unframed = ByteBuffer()
    var packets: [AMIPacket] = []
    var fed = 0
    for size in sizes {
        unframed.writeBytes(stream[fed..<(fed + size)])
        fed += size
        var builder = AMIRunBuilder(bytes: unframed, readsLegacyCommandBodies: configuration.readsLegacyCommandBodies)
        do {
            while let frame = try decoder.nextFrame(buffer: &unframed) {
                if case .packet(let index, let length, let streamStart) = frame {
                    builder.append(index: index, length: length, streamStart: streamStart)
                }
            }
        } catch {
            break
        }
        unframed.discardReadBytes()
        guard let run = builder.take() else { continue }
        for position in run.indices {
            check(run.streamRange(at: position) == run[position].streamRange, "run.streamRange(at:) differs")
            check(run.firstIndex(startingAtOrAfter: run.streamRange(at: position).lowerBound) == position, "firstIndex(startingAtOrAfter:)")
        }
        for name in ["ActionID", "Event", "Response"] {
            for value in Set(run.compactMap { $0[name] }).sorted().prefix(4) {
                for from in [run.startIndex, run.startIndex + run.count / 2] {
                    let linear = run.indices[from...].first { run[$0][name] == value }
                    check(run.firstIndex(from: from, whereHeader: name, is: value) == linear,
                          "run.firstIndex(from: \(from), whereHeader: \(name), is: \(value)) is not \(String(describing: linear))")
                }
            }
        }
        packets += run
    }
    // Framed read by read (without the end of the stream), the packets are a prefix of
    // what the whole stream gave.
    let wanted = expected.messages.compactMap(\.packet)
    check(packets.count <= wanted.count, "\(packets.count) packets in runs, \(wanted.count) decoded")
    for (index, (x, y)) in zip(packets, wanted).enumerated() {
        check(x == y && x.streamRange == y.streamRange, "run packet \(index) differs:\n\(x)\n---\n\(y)")
    }
}

func check(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError(message()) }
}

/// Text with CR, LF and control bytes shown, for failure messages.
struct VisibleBytes: CustomStringConvertible {
    var text: String
    init(_ text: String) { self.text = text }
    var description: String {
        text.unicodeScalars.map { scalar -> String in
            switch scalar {
            case "\r": return "\\r"
            case "\n": return "\\n\n"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: return "\\x" + String(scalar.value, radix: 16)
            default: return String(scalar)
            }
        }.joined()
    }
}

/// A small deterministic generator (splitmix64): the same input splits the same way.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
