import AMIProtocol

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

    private var scanner: JSONScanner
    private var depth = 0

    public static func parse(_ text: String) throws(Failure) -> Value {
        var reader = JSONReader(scanner: JSONScanner(text, layout: .document))
        do throws(JSONScanner.Failure) {
            reader.scanner.skipBlanks()
            let value = try reader.readValue()
            reader.scanner.skipBlanks()
            if !reader.scanner.isAtEnd { throw reader.scanner.failure("unexpected \(reader.scanner.next) after the value") }
            return value
        } catch {
            let (line, column) = reader.scanner.position(of: error.offset)
            throw Failure(line: line, column: column, message: error.message)
        }
    }

    private init(scanner: JSONScanner) {
        self.scanner = scanner
    }

    private mutating func readValue() throws(JSONScanner.Failure) -> Value {
        guard let byte = scanner.current else { throw scanner.failure("unexpected end of the text, wanted a value") }
        switch byte {
        case UInt8(ascii: "{"): return try readObject()
        case UInt8(ascii: "["): return try readArray()
        case UInt8(ascii: "\""): return .string(try scanner.readString())
        case UInt8(ascii: "t"): try scanner.readWord("true"); return .bool(true)
        case UInt8(ascii: "f"): try scanner.readWord("false"); return .bool(false)
        case UInt8(ascii: "n"): try scanner.readWord("null"); return .none
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try scanner.readNumber())
        default: throw scanner.failure("unexpected \(scanner.next), wanted a value")
        }
    }

    private mutating func enter() throws(JSONScanner.Failure) {
        depth += 1
        if depth > Self.maximumDepth { throw scanner.failure("nested deeper than \(Self.maximumDepth) levels") }
    }

    private mutating func readObject() throws(JSONScanner.Failure) -> Value {
        try enter()
        scanner.index += 1
        var map = OrderedMap()
        scanner.skipBlanks()
        if scanner.take(UInt8(ascii: "}")) { depth -= 1; return .map(map) }
        while true {
            scanner.skipBlanks()
            guard scanner.current == UInt8(ascii: "\"") else {
                throw scanner.failure("unexpected \(scanner.next), wanted a key in double quotes")
            }
            let key = try scanner.readString()
            scanner.skipBlanks()
            guard scanner.take(UInt8(ascii: ":")) else { throw scanner.failure("unexpected \(scanner.next), wanted ':' after the key") }
            scanner.skipBlanks()
            map[key] = try readValue()
            scanner.skipBlanks()
            if scanner.take(UInt8(ascii: ",")) { continue }
            if scanner.take(UInt8(ascii: "}")) { break }
            throw scanner.failure("unexpected \(scanner.next), wanted ',' or '}' in the object")
        }
        depth -= 1
        return .map(map)
    }

    private mutating func readArray() throws(JSONScanner.Failure) -> Value {
        try enter()
        scanner.index += 1
        var items: [Value] = []
        scanner.skipBlanks()
        if scanner.take(UInt8(ascii: "]")) { depth -= 1; return .list(items) }
        while true {
            scanner.skipBlanks()
            items.append(try readValue())
            scanner.skipBlanks()
            if scanner.take(UInt8(ascii: ",")) { continue }
            if scanner.take(UInt8(ascii: "]")) { break }
            throw scanner.failure("unexpected \(scanner.next), wanted ',' or ']' in the array")
        }
        depth -= 1
        return .list(items)
    }
}
