/// The lexical half of strict RFC 8259 JSON, shared by the two readers built on it: the
/// transcript lines' one-level objects (`JSONText.objectMembers`, this module) and the
/// language's `parse_json()` (`JSONReader`, which adds arrays, nesting and its limit).
/// Strings with every escape (a surrogate pair as one character, a lone surrogate an
/// error), numbers by the RFC's grammar, `true`/`false`/`null`, blanks, and what stands
/// next, for messages. Hand-written for the reasons in docs/architecture.md.
public struct JSONScanner {
    /// What went wrong, and at which byte of the text: each reader says where in its own
    /// terms (a column, or a line and a column).
    public struct Failure: Error, Equatable {
        public var offset: Int
        public var message: String
    }

    /// How a reader's text looks: one line (a transcript line: a line feed is not a blank,
    /// and what stands next is shown with its invisible characters escaped) or a document.
    public enum Layout: Sendable {
        case line
        case document
    }

    public let bytes: [UInt8]
    public var index = 0
    private let layout: Layout

    public init(_ text: String, layout: Layout) {
        bytes = Array(text.utf8)
        self.layout = layout
    }

    public var isAtEnd: Bool { index >= bytes.count }

    /// The byte at the reader's place (nil at the end).
    public var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    /// "end of the line" or "end of the text".
    public var endName: String { layout == .line ? "end of the line" : "end of the text" }

    public func failure(_ message: String) -> Failure {
        Failure(offset: index, message: message)
    }

    /// 1-based line and column of a byte offset (columns count characters).
    public func position(of offset: Int) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        for byte in bytes[..<min(offset, bytes.count)] {
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return (line, column)
    }

    /// A string; the reader stands on its opening quote.
    public mutating func readString() throws(Failure) -> String {
        index += 1  // the opening quote
        var scalars = String.UnicodeScalarView()
        var runStart = index
        while true {
            guard index < bytes.count else { throw failure("unexpected \(endName) inside a string") }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                // The bytes came from a Swift String: a run without escapes is valid UTF-8.
                scalars.append(contentsOf: String(decoding: bytes[runStart..<index], as: UTF8.self).unicodeScalars)
                index += 1
                return String(scalars)
            }
            if byte < 0x20 { throw failure("a control character (\(byte)) inside a string: write it as an escape") }
            guard byte == UInt8(ascii: "\\") else { index += 1; continue }
            scalars.append(contentsOf: String(decoding: bytes[runStart..<index], as: UTF8.self).unicodeScalars)
            index += 1
            guard index < bytes.count else { throw failure("unexpected \(endName) inside a string") }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""): scalars.append("\"")
            case UInt8(ascii: "\\"): scalars.append("\\")
            case UInt8(ascii: "/"): scalars.append("/")
            case UInt8(ascii: "b"): scalars.append("\u{08}")
            case UInt8(ascii: "f"): scalars.append("\u{0C}")
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "u"): scalars.append(try readUnicodeEscape())
            default:
                index -= 2
                throw failure("unknown escape '\\\(String(decoding: [escape], as: UTF8.self))' in a string")
            }
            runStart = index
        }
    }

    /// `\uXXXX` (after the `\u`), a surrogate pair as one character; a lone surrogate is an error.
    private mutating func readUnicodeEscape() throws(Failure) -> Unicode.Scalar {
        let first = try readHex4()
        if (0xD800...0xDBFF).contains(first) {
            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                throw failure("a lone surrogate \\u\(String(first, radix: 16)) in a string")
            }
            index += 2
            let second = try readHex4()
            guard (0xDC00...0xDFFF).contains(second),
                  let scalar = Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)) else {
                throw failure("a lone surrogate \\u\(String(first, radix: 16)) in a string")
            }
            return scalar
        }
        guard let scalar = Unicode.Scalar(first) else {
            throw failure("a lone surrogate \\u\(String(first, radix: 16)) in a string")
        }
        return scalar
    }

    private mutating func readHex4() throws(Failure) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard index < bytes.count, let digit = Self.hexDigit(bytes[index]) else {
                throw failure("\\u wants four hex digits")
            }
            value = value * 16 + digit
            index += 1
        }
        return value
    }

    private static func hexDigit(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    /// -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
    public mutating func readNumber() throws(Failure) -> Double {
        let start = index
        _ = take(UInt8(ascii: "-"))
        if take(UInt8(ascii: "0")) {
            if index < bytes.count, Self.isDigit(bytes[index]) { throw failure("a number does not start with 0 unless it is 0") }
        } else if !takeDigits() {
            throw failure("unexpected \(next) in a number")
        }
        if take(UInt8(ascii: ".")), !takeDigits() { throw failure("wanted digits after the decimal point") }
        if take(UInt8(ascii: "e")) || take(UInt8(ascii: "E")) {
            _ = take(UInt8(ascii: "+")) || take(UInt8(ascii: "-"))
            if !takeDigits() { throw failure("wanted digits in the exponent") }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        guard let number = Double(text) else { throw failure("'\(text)' is not a number") }
        return number
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private mutating func takeDigits() -> Bool {
        let start = index
        while index < bytes.count, Self.isDigit(bytes[index]) { index += 1 }
        return index > start
    }

    /// `true`, `false` or `null`, whole.
    public mutating func readWord(_ word: StaticString) throws(Failure) {
        let expected = word.withUTF8Buffer { Array($0) }
        guard index + expected.count <= bytes.count, Array(bytes[index..<index + expected.count]) == expected else {
            throw failure("unexpected \(next), wanted a value")
        }
        index += expected.count
    }

    public mutating func take(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// Blanks: space, tab, CR, and line feed in a document.
    public mutating func skipBlanks() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0D: index += 1
            case 0x0A where layout == .document: index += 1
            default: return
            }
        }
    }

    /// The character at the reader's place, quoted, or the end: for messages. On a line,
    /// invisible characters are shown escaped.
    public var next: String {
        guard index < bytes.count else { return endName }
        var end = index + 1
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
        let character = String(decoding: bytes[index..<end], as: UTF8.self)
        return "'" + (layout == .line ? VisibleText.escaped(character, quotes: false) : character) + "'"
    }
}
