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
        var scanner = JSONScanner(text, layout: .line)
        do {
            return try readObject(&scanner)
        } catch {
            // Columns count characters; a transcript line has no line feed.
            let column = 1 + scanner.bytes[..<min(error.offset, scanner.bytes.count)].filter { $0 & 0xC0 != 0x80 }.count
            throw Failure(column: column, message: error.message)
        }
    }

    private static func readObject(_ scanner: inout JSONScanner) throws(JSONScanner.Failure) -> [(key: String, value: Scalar)] {
        scanner.skipBlanks()
        guard scanner.take(UInt8(ascii: "{")) else { throw scanner.failure("unexpected \(scanner.next), wanted a JSON object '{'") }
        var members: [(key: String, value: Scalar)] = []
        scanner.skipBlanks()
        if !scanner.take(UInt8(ascii: "}")) {
            while true {
                scanner.skipBlanks()
                guard scanner.current == UInt8(ascii: "\"") else {
                    throw scanner.failure("unexpected \(scanner.next), wanted a key in double quotes")
                }
                let key = try scanner.readString()
                scanner.skipBlanks()
                guard scanner.take(UInt8(ascii: ":")) else { throw scanner.failure("unexpected \(scanner.next), wanted ':' after the key") }
                scanner.skipBlanks()
                members.append((key, try readScalar(&scanner)))
                scanner.skipBlanks()
                if scanner.take(UInt8(ascii: ",")) { continue }
                if scanner.take(UInt8(ascii: "}")) { break }
                throw scanner.failure("unexpected \(scanner.next), wanted ',' or '}'")
            }
        }
        scanner.skipBlanks()
        if !scanner.isAtEnd { throw scanner.failure("unexpected \(scanner.next) after the object") }
        return members
    }

    private static func readScalar(_ scanner: inout JSONScanner) throws(JSONScanner.Failure) -> Scalar {
        guard let byte = scanner.current else { throw scanner.failure("unexpected end of the line, wanted a value") }
        switch byte {
        case UInt8(ascii: "\""): return .string(try scanner.readString())
        case UInt8(ascii: "t"): try scanner.readWord("true"); return .bool(true)
        case UInt8(ascii: "f"): try scanner.readWord("false"); return .bool(false)
        case UInt8(ascii: "n"): try scanner.readWord("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try scanner.readNumber())
        case UInt8(ascii: "{"), UInt8(ascii: "["): throw scanner.failure("a transcript line holds strings and numbers, not nested values")
        default: throw scanner.failure("unexpected \(scanner.next), wanted a value")
        }
    }
}
