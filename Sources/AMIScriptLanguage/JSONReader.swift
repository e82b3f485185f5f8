/// `parse_json(TEXT)`: strict RFC 8259 JSON into values. Objects become maps (keys in
/// order; as in every map of the language, keys compare ignoring ASCII case, so a later
/// `"a"` replaces an earlier `"A"`), arrays lists, numbers numbers (doubles), `null` nil.
/// Nesting deeper than `maximumDepth` is refused instead of recursing the stack away.
public struct JSONReader {
    public struct Failure: Error, Equatable, CustomStringConvertible {
        public var line: Int
        public var column: Int
        public var message: String
        public var description: String { "line \(line), column \(column): \(message)" }
    }

    public static let maximumDepth = Value.maxNesting

    private let bytes: [UInt8]
    private var index = 0
    private var depth = 0

    public static func parse(_ text: String) throws(Failure) -> Value {
        var reader = JSONReader(bytes: Array(text.utf8))
        reader.skipBlanks()
        let value = try reader.readValue()
        reader.skipBlanks()
        if reader.index < reader.bytes.count { throw reader.failure("unexpected \(reader.describeNext()) after the value") }
        return value
    }

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    private mutating func readValue() throws(Failure) -> Value {
        guard index < bytes.count else { throw failure("unexpected end of the text, wanted a value") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try readObject()
        case UInt8(ascii: "["): return try readArray()
        case UInt8(ascii: "\""): return .string(try readString())
        case UInt8(ascii: "t"): try readWord("true"); return .bool(true)
        case UInt8(ascii: "f"): try readWord("false"); return .bool(false)
        case UInt8(ascii: "n"): try readWord("null"); return .none
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try readNumber())
        default: throw failure("unexpected \(describeNext()), wanted a value")
        }
    }

    private mutating func enter() throws(Failure) {
        depth += 1
        if depth > Self.maximumDepth { throw failure("nested deeper than \(Self.maximumDepth) levels") }
    }

    private mutating func readObject() throws(Failure) -> Value {
        try enter()
        index += 1
        var map = OrderedMap()
        skipBlanks()
        if take(UInt8(ascii: "}")) { depth -= 1; return .map(map) }
        while true {
            skipBlanks()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw failure("unexpected \(describeNext()), wanted a key in double quotes")
            }
            let key = try readString()
            skipBlanks()
            guard take(UInt8(ascii: ":")) else { throw failure("unexpected \(describeNext()), wanted ':' after the key") }
            skipBlanks()
            map[key] = try readValue()
            skipBlanks()
            if take(UInt8(ascii: ",")) { continue }
            if take(UInt8(ascii: "}")) { break }
            throw failure("unexpected \(describeNext()), wanted ',' or '}' in the object")
        }
        depth -= 1
        return .map(map)
    }

    private mutating func readArray() throws(Failure) -> Value {
        try enter()
        index += 1
        var items: [Value] = []
        skipBlanks()
        if take(UInt8(ascii: "]")) { depth -= 1; return .list(items) }
        while true {
            skipBlanks()
            items.append(try readValue())
            skipBlanks()
            if take(UInt8(ascii: ",")) { continue }
            if take(UInt8(ascii: "]")) { break }
            throw failure("unexpected \(describeNext()), wanted ',' or ']' in the array")
        }
        depth -= 1
        return .list(items)
    }

    private mutating func readString() throws(Failure) -> String {
        index += 1  // the opening quote
        var scalars = String.UnicodeScalarView()
        var runStart = index
        func flushRun(_ reader: JSONReader, upTo end: Int, into scalars: inout String.UnicodeScalarView) {
            // The bytes came from a Swift String, so a run without escapes is valid UTF-8.
            scalars.append(contentsOf: String(decoding: reader.bytes[runStart..<end], as: UTF8.self).unicodeScalars)
        }
        while true {
            guard index < bytes.count else { throw failure("unexpected end of the text inside a string") }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                flushRun(self, upTo: index, into: &scalars)
                index += 1
                return String(scalars)
            }
            if byte < 0x20 { throw failure("a control character (\(byte)) inside a string: write it as an escape") }
            guard byte == UInt8(ascii: "\\") else { index += 1; continue }
            flushRun(self, upTo: index, into: &scalars)
            index += 1
            guard index < bytes.count else { throw failure("unexpected end of the text inside a string") }
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

    /// `\uXXXX`, with a surrogate pair read as one character; a lone surrogate is an error.
    private mutating func readUnicodeEscape() throws(Failure) -> Unicode.Scalar {
        let first = try readHex4()
        if (0xD800...0xDBFF).contains(first) {
            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                throw failure("a lone surrogate \\u\(String(first, radix: 16)) in a string")
            }
            index += 2
            let second = try readHex4()
            guard (0xDC00...0xDFFF).contains(second) else {
                throw failure("a lone surrogate \\u\(String(first, radix: 16)) in a string")
            }
            return Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))!
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
    private mutating func readNumber() throws(Failure) -> Double {
        let start = index
        _ = take(UInt8(ascii: "-"))
        if take(UInt8(ascii: "0")) {
            if index < bytes.count, isDigit(bytes[index]) { throw failure("a number does not start with 0 unless it is 0") }
        } else if !takeDigits() {
            throw failure("unexpected \(describeNext()) in a number")
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

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private mutating func takeDigits() -> Bool {
        let start = index
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        return index > start
    }

    private mutating func readWord(_ word: StaticString) throws(Failure) {
        let expected = word.withUTF8Buffer { Array($0) }
        guard index + expected.count <= bytes.count, Array(bytes[index..<index + expected.count]) == expected else {
            throw failure("unexpected \(describeNext()), wanted a value")
        }
        index += expected.count
    }

    private mutating func take(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    private mutating func skipBlanks() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private func describeNext() -> String {
        guard index < bytes.count else { return "end of the text" }
        var end = index + 1
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
        return "'" + String(decoding: bytes[index..<end], as: UTF8.self) + "'"
    }

    /// Where the reader stands, as 1-based line and column (columns count characters).
    private func failure(_ message: String) -> Failure {
        var line = 1
        var column = 1
        for byte in bytes[..<min(index, bytes.count)] {
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return Failure(line: line, column: column, message: message)
    }
}
