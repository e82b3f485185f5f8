import NIOCore

/// Reads the lines of one framed packet into headers and body lines. The decoder only
/// frames packets (finds where each ends); this runs when a packet's headers are first
/// asked for, so a flood of events nobody looks at costs no string building.
enum AMIPacketParser {
    private enum LegacyBody {
        case none, headers, lines, ended
    }

    private static let marker = Array("--END COMMAND--".utf8)

    static func parse(_ raw: ByteBuffer, readsLegacyCommandBodies: Bool) -> (headers: [AMIHeader], body: [String]) {
        var headers: [AMIHeader] = []
        var body: [String] = []
        var legacy = LegacyBody.none
        raw.withUnsafeReadableBytes { bytes in
            // One allocation for the headers instead of one per doubling: a packet has at
            // most as many headers as lines.
            var lines = 0
            for byte in bytes where byte == 0x0A { lines += 1 }
            headers.reserveCapacity(lines)
            forEachLine(bytes) { line in
                if line.isEmpty {
                    if legacy == .headers || legacy == .lines {
                        legacy = .lines
                        body.append("")
                    }
                    return true
                }
                switch legacy {
                case .ended:
                    return true
                case .headers, .lines:
                    if line.count >= marker.count, line.suffix(marker.count).elementsEqual(marker) {
                        if line.count > marker.count {
                            body.append(String(decoding: line.prefix(line.count - marker.count), as: UTF8.self))
                        }
                        legacy = .ended
                        return true
                    }
                    if legacy == .headers, let header = header(line), header.hasName("Privilege") || header.hasName("ActionID") {
                        headers.append(header)
                        return true
                    }
                    legacy = .lines
                    body.append(String(decoding: line, as: UTF8.self))
                case .none:
                    if let header = header(line) {
                        if headers.isEmpty, body.isEmpty, readsLegacyCommandBodies,
                           header.hasName("Response"), AMIHeader.namesEqual(header.value, "Follows") {
                            legacy = .headers
                        }
                        headers.append(header)
                    } else {
                        body.append(String(decoding: line, as: UTF8.self))
                    }
                }
                return true
            }
        }
        return (headers, body)
    }

    /// What a look for one header found without reading the others.
    enum Lookup {
        case found(String)
        case absent
        /// A legacy command answer: its header rules need the whole parse.
        case needsParse
    }

    /// The value of the first header named `name` (ASCII case-insensitive), reading no
    /// other line into strings: how `packet.actionID` or `packet["Event"]` stays cheap on
    /// packets nobody reads whole (an action passing over a flood of events).
    static func firstValue(named name: String, in raw: ByteBuffer, readsLegacyCommandBodies: Bool) -> Lookup {
        raw.withUnsafeReadableBytes { firstValue(named: name, in: $0, readsLegacyCommandBodies: readsLegacyCommandBodies) }
    }

    /// `firstValue` on the bytes of one packet.
    static func firstValue(named name: String, in bytes: UnsafeRawBufferPointer, readsLegacyCommandBodies: Bool) -> Lookup {
        var wanted = name
        return wanted.withUTF8 { target -> Lookup in
            var firstLine = true
            var result = Lookup.absent
            forEachLine(bytes) { line in
                if line.isEmpty { return true }
                let colon = nameEnd(line)
                if firstLine {
                    firstLine = false
                    if readsLegacyCommandBodies, colon != nil, let header = header(line),
                       header.hasName("Response"), AMIHeader.namesEqual(header.value, "Follows") {
                        result = .needsParse
                        return false
                    }
                }
                guard let colon, colon == target.count else { return true }
                for index in 0..<colon where AMIHeader.asciiLower(line[index]) != AMIHeader.asciiLower(target[index]) {
                    return true
                }
                guard let header = header(line) else { return true }
                result = .found(header.value)
                return false
            }
            return result
        }
    }

    /// Calls `body` with each line of `bytes`, its line end (CR LF or LF) left off, until
    /// `body` returns false.
    @inline(__always)
    static func forEachLine(_ bytes: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Bool) {
        var lineStart = 0
        while lineStart < bytes.count {
            var newline = lineStart
            while newline < bytes.count, bytes[newline] != 0x0A { newline += 1 }
            var end = newline
            if end > lineStart, bytes[end - 1] == 0x0D { end -= 1 }
            let line = UnsafeRawBufferPointer(rebasing: bytes[lineStart..<end])
            lineStart = newline + 1
            if !body(line) { return }
        }
    }

    /// The header on this line, or nil when the line is not one: no colon, or a "name"
    /// that no header has (leading blank, quotes, commas, control bytes, or very long),
    /// so a text line such as a queue summary with `W:0, C:0` in it stays text.
    /// The blanks after the colon are left out — all of them, as Asterisk's own header
    /// reader does — except in `Output:` lines: Asterisk writes `Output: ` and then the CLI
    /// line as it is, so only that one blank goes and the line keeps its indentation
    /// (`dialplan show`, `manager show commands` print as `asterisk -rx` prints them).
    static func header(_ line: UnsafeRawBufferPointer) -> AMIHeader? {
        guard let colon = nameEnd(line) else { return nil }
        var valueStart = colon + 1
        func isBlank(_ index: Int) -> Bool {
            index < line.count && (line[index] == UInt8(ascii: " ") || line[index] == UInt8(ascii: "\t"))
        }
        if colon == 6, isOutputName(line) {
            if isBlank(valueStart) { valueStart += 1 }
        } else {
            while isBlank(valueStart) { valueStart += 1 }
        }
        return AMIHeader(
            String(decoding: UnsafeRawBufferPointer(rebasing: line[..<colon]), as: UTF8.self),
            String(decoding: UnsafeRawBufferPointer(rebasing: line[valueStart...]), as: UTF8.self))
    }

    /// Whether the line's name (6 bytes before its colon) is `Output`, in any case.
    private static func isOutputName(_ line: UnsafeRawBufferPointer) -> Bool {
        zip(line.prefix(6), "output".utf8).allSatisfy { AMIHeader.asciiLower($0) == $1 }
    }

    /// Where a header line's name ends (its colon), or nil when the line is no header.
    static func nameEnd(_ line: UnsafeRawBufferPointer) -> Int? {
        guard let first = line.first, first != UInt8(ascii: " "), first != UInt8(ascii: "\t") else { return nil }
        for index in 0..<min(line.count, 101) {
            let byte = line[index]
            if byte == UInt8(ascii: ":") { return index > 0 ? index : nil }
            if byte < 0x20 || byte == UInt8(ascii: ",") || byte == UInt8(ascii: "'")
                || byte == UInt8(ascii: "\"") || byte == 0x7F { return nil }
        }
        return nil
    }
}
