/// The language's characters are Unicode scalars, as Tcl's are: `"\r\n"` is two, and
/// `"\n"` is found inside it. (Swift's `Character` joins CR LF into one, so a search for
/// "\n" in AMI text, where every line ends in CR LF, would find nothing.) Searches run on
/// the UTF-8 bytes: a match of whole valid UTF-8 always starts and ends on a scalar.
enum ScalarText {
    static func count(_ text: String) -> Int { text.unicodeScalars.count }

    /// Each scalar as a string of its own.
    static func characters(_ text: String) -> [String] {
        text.unicodeScalars.map { String($0) }
    }

    /// The scalars from `start` up to `end` (clamped by the caller).
    static func slice(_ text: String, _ start: Int, _ end: Int) -> String {
        let scalars = text.unicodeScalars
        let from = scalars.index(scalars.startIndex, offsetBy: start)
        let to = scalars.index(from, offsetBy: end - start)
        return String(scalars[from..<to])
    }

    /// The scalar position of the first `part` in `text`, or nil.
    static func position(of part: String, in text: String) -> Int? {
        let bytes = Array(text.utf8)
        guard let offset = find(Array(part.utf8), in: bytes, from: 0) else { return nil }
        // A scalar starts at every byte that is not a continuation byte (10xxxxxx).
        return bytes[..<offset].reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
    }

    static func contains(_ text: String, _ part: String) -> Bool {
        part.isEmpty || find(Array(part.utf8), in: Array(text.utf8), from: 0) != nil
    }

    /// The parts between the separators (a non-empty separator).
    static func components(_ text: String, separatedBy separator: String) -> [String] {
        let bytes = Array(text.utf8)
        let needle = Needle(Array(separator.utf8))
        var parts: [String] = []
        var from = 0
        while let found = needle.find(in: bytes, from: from) {
            parts.append(String(decoding: bytes[from..<found], as: UTF8.self))
            from = found + needle.bytes.count
        }
        parts.append(String(decoding: bytes[from...], as: UTF8.self))
        return parts
    }

    /// Every `old` replaced by `new` (an empty `old` replaces nothing).
    static func replacing(_ text: String, _ old: String, with new: String) -> String {
        guard !old.isEmpty else { return text }
        return components(text, separatedBy: old).joined(separator: new)
    }

    /// The byte offset of `needle` in `haystack` at or after `from`.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        Needle(needle).find(in: haystack, from: from)
    }
}

/// A byte string to search for, with its Knuth-Morris-Pratt table: a search is linear in
/// the text whatever the text and the needle (a hostile "aaaa…" cannot make it quadratic).
struct Needle {
    let bytes: [UInt8]
    /// For each prefix length, the length of its longest proper border.
    private let borders: [Int]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        var borders = [Int](repeating: 0, count: bytes.count + 1)
        var border = 0
        if bytes.count > 1 {
            for index in 1..<bytes.count {
                while border > 0, bytes[index] != bytes[border] { border = borders[border] }
                if bytes[index] == bytes[border] { border += 1 }
                borders[index + 1] = border
            }
        }
        self.borders = borders
    }

    func find(in haystack: [UInt8], from: Int) -> Int? {
        guard !bytes.isEmpty else { return from <= haystack.count ? from : nil }
        var matched = 0
        var index = from
        while index < haystack.count {
            let byte = haystack[index]
            while matched > 0, byte != bytes[matched] { matched = borders[matched] }
            if byte == bytes[matched] { matched += 1 }
            index += 1
            if matched == bytes.count { return index - matched }
        }
        return nil
    }
}
