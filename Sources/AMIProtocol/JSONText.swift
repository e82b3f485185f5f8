/// JSON as the transcript lines need it (`AMITranscriptLine`): a string in quotes, and the
/// members of a one-level object. Hand-written because Foundation is kept out of the
/// libraries (start-up time of the binaries, docs/architecture.md); the language's
/// `json()` writes its strings with `appendQuoted` too.
public enum JSONText {
    /// A member's value: transcript lines hold strings and numbers (true, false and null
    /// are read as well; arrays and objects are not part of the format).
    public enum Scalar: Sendable, Equatable, CustomStringConvertible {
        case string(String)
        case number(Double)
        case bool(Bool)
        case null

        public var description: String {
            switch self {
            case .string(let text): return JSONText.quoted(text)
            case .number(let value): return "\(value)"
            case .bool(let flag): return flag ? "true" : "false"
            case .null: return "null"
            }
        }
    }

    public struct Failure: Error, Equatable, CustomStringConvertible {
        /// 1-based, counting characters.
        public var column: Int
        public var message: String
        public var description: String { "column \(column): \(message)" }
    }

    public static func quoted(_ text: String) -> String {
        var output = ""
        appendQuoted(text, to: &output)
        return output
    }

    /// RFC 8259 string: quotes, backslashes and control characters escaped (DEL too),
    /// everything else as it is.
    public static func appendQuoted(_ text: String, to output: inout String) {
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }

    /// The members of the object `text` holds (blanks around it allowed), in order.
    public static func objectMembers(_ text: String) throws(Failure) -> [(key: String, value: Scalar)] {
        var reader = Reader(bytes: Array(text.utf8))
        return try reader.readObject()
    }

    private struct Reader {
        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) {
            self.bytes = bytes
        }

        mutating func readObject() throws(Failure) -> [(key: String, value: Scalar)] {
            skipBlanks()
            guard take(UInt8(ascii: "{")) else { throw failure("unexpected \(next), wanted a JSON object '{'") }
            var members: [(key: String, value: Scalar)] = []
            skipBlanks()
            if !take(UInt8(ascii: "}")) {
                while true {
                    skipBlanks()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                        throw failure("unexpected \(next), wanted a key in double quotes")
                    }
                    let key = try readString()
                    skipBlanks()
                    guard take(UInt8(ascii: ":")) else { throw failure("unexpected \(next), wanted ':' after the key") }
                    skipBlanks()
                    members.append((key, try readScalar()))
                    skipBlanks()
                    if take(UInt8(ascii: ",")) { continue }
                    if take(UInt8(ascii: "}")) { break }
                    throw failure("unexpected \(next), wanted ',' or '}'")
                }
            }
            skipBlanks()
            if index < bytes.count { throw failure("unexpected \(next) after the object") }
            return members
        }

        mutating func readScalar() throws(Failure) -> Scalar {
            guard index < bytes.count else { throw failure("unexpected end of the line, wanted a value") }
            switch bytes[index] {
            case UInt8(ascii: "\""): return .string(try readString())
            case UInt8(ascii: "t"): try readWord("true"); return .bool(true)
            case UInt8(ascii: "f"): try readWord("false"); return .bool(false)
            case UInt8(ascii: "n"): try readWord("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try readNumber())
            case UInt8(ascii: "{"), UInt8(ascii: "["): throw failure("a transcript line holds strings and numbers, not nested values")
            default: throw failure("unexpected \(next), wanted a value")
            }
        }

        mutating func readString() throws(Failure) -> String {
            index += 1  // the opening quote
            var scalars = String.UnicodeScalarView()
            var runStart = index
            while true {
                guard index < bytes.count else { throw failure("unexpected end of the line inside a string") }
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
                guard index < bytes.count else { throw failure("unexpected end of the line inside a string") }
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

        /// `\uXXXX`, a surrogate pair as one character; a lone surrogate is an error.
        mutating func readUnicodeEscape() throws(Failure) -> Unicode.Scalar {
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

        mutating func readHex4() throws(Failure) -> UInt32 {
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

        static func hexDigit(_ byte: UInt8) -> UInt32? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
            default: return nil
            }
        }

        /// -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
        mutating func readNumber() throws(Failure) -> Double {
            let start = index
            _ = take(UInt8(ascii: "-"))
            if take(UInt8(ascii: "0")) {
                if index < bytes.count, isDigit(bytes[index]) { throw failure("a number does not start with 0 unless it is 0") }
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

        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

        mutating func takeDigits() -> Bool {
            let start = index
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            return index > start
        }

        mutating func readWord(_ word: StaticString) throws(Failure) {
            let expected = word.withUTF8Buffer { Array($0) }
            guard index + expected.count <= bytes.count, Array(bytes[index..<index + expected.count]) == expected else {
                throw failure("unexpected \(next), wanted a value")
            }
            index += expected.count
        }

        mutating func take(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        mutating func skipBlanks() {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0D { index += 1 }
        }

        var next: String {
            guard index < bytes.count else { return "end of the line" }
            var end = index + 1
            while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
            return "'" + VisibleText.escaped(String(decoding: bytes[index..<end], as: UTF8.self), quotes: false) + "'"
        }

        func failure(_ message: String) -> Failure {
            let column = 1 + bytes[..<min(index, bytes.count)].filter { $0 & 0xC0 != 0x80 }.count
            return Failure(column: column, message: message)
        }
    }
}
