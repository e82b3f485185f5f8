import AMIProtocol
import AMISimulator
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// Workload 5 of the benchmark: AMIDecoder alone, in-process, on a stream of typical
/// ~150-byte events. Prints packets per second for framing alone and for framing plus
/// reading every header.
/// Usage: amibench [MEGABYTES]   (default 200)
///        amibench pings HOST PORT COUNT   (workload 3 with AMIClient alone, see PingLoop.swift)
if CommandLine.arguments.count > 1, CommandLine.arguments[1] == "pings" {
    exit(PingLoop.main(Array(CommandLine.arguments.dropFirst(2))))
}
let megabytes = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 200 : 200

func event(_ number: Int) -> String { FloodEvents.event(number) }

// One 1 MiB block of events, fed as 64 KiB reads (what a socket delivers).
var blockText = ""
var count = 0
while blockText.utf8.count < 1 << 20 {
    blockText += event(count)
    count += 1
}
let block = ByteBuffer(string: blockText)
let averageSize = Double(block.readableBytes) / Double(count)

func now() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

func run(readHeaders: Bool) throws -> (packets: Int, seconds: Double) {
    var decoder = AMIDecoder(configuration: .init(expectsBanner: false, readsLegacyCommandBodies: true))
    var buffer = ByteBuffer()
    var packets = 0
    var checksum = 0
    let start = now()
    for _ in 0..<megabytes {
        var offset = 0
        while offset < block.readableBytes {
            let length = min(65536, block.readableBytes - offset)
            var chunk = block.getSlice(at: offset, length: length)!
            buffer.writeBuffer(&chunk)
            offset += length
            while let message = try decoder.decode(buffer: &buffer) {
                packets += 1
                if readHeaders, case .packet(let packet) = message { checksum &+= packet.headers.count }
            }
            buffer.discardReadBytes()
        }
    }
    let seconds = now() - start
    if checksum == -1 { print("") }
    return (packets, seconds)
}

let framing = try run(readHeaders: false)
let full = try run(readHeaders: true)
print("events: \(count) per MiB, \(Int(averageSize)) bytes on average; \(megabytes) MiB decoded")
print("framing only:          \(Int(Double(framing.packets) / framing.seconds)) packets/s (\(Int(Double(megabytes) * 1.048576 / framing.seconds)) MB/s)")
print("framing + all headers: \(Int(Double(full.packets) / full.seconds)) packets/s (\(Int(Double(megabytes) * 1.048576 / full.seconds)) MB/s)")
