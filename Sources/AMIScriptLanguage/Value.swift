import AMIProtocol
/// A value of the language: string, number, boolean, list, map, nil.
public enum Value: Sendable, Hashable, CustomStringConvertible {
    case string(String)
    case number(Double)
    case bool(Bool)
    case list([Value])
    case map(OrderedMap)
    case none

    /// How deep lists and maps may nest in one value (parse_json's limit too): printing,
    /// comparing, JSON and freeing walk a value on the stack.
    public static let maxNesting = 512

    /// Levels of lists and maps in the value (0 for a scalar), counted no further than
    /// `limit` (the answer is then `limit`): a check need not walk a whole deep value.
    func nesting(upTo limit: Int) -> Int {
        guard limit > 0 else { return 0 }
        let children: [Value]
        switch self {
        case .list(let items): children = items
        case .map(let map): children = map.values
        default: return 0
        }
        var deepest = 0
        for child in children {
            deepest = max(deepest, child.nesting(upTo: limit - 1))
            if deepest == limit - 1 { break }
        }
        return 1 + deepest
    }

    /// How a value prints: numbers without a needless `.0`, lists and maps readable.
    public var description: String {
        switch self {
        case .string(let text): return text
        case .number(let number): return Value.format(number)
        case .bool(let flag): return flag ? "true" : "false"
        case .list(let items): return "[" + items.map(\.quotedDescription).joined(separator: ", ") + "]"
        case .map(let map): return "{" + map.entries.map { "\($0.key): \($0.value.quotedDescription)" }.joined(separator: ", ") + "}"
        case .none: return ""
        }
    }

    var quotedDescription: String {
        if case .string(let text) = self { return "\"\(text)\"" }
        if case .none = self { return "nil" }
        return description
    }

    static func format(_ number: Double) -> String {
        if number.isFinite, number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
        return String(number)
    }

    /// The number a value stands for: numbers, and strings that look like numbers.
    public var number: Double? {
        switch self {
        case .number(let number): return number
        case .string(let text):
            let trimmed = VisibleText.trimming(text, " \t")
            guard !trimmed.isEmpty, trimmed.allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" || $0 == "+" || $0 == "e" || $0 == "E" }) else { return nil }
            return Double(trimmed)
        case .bool(let flag): return flag ? 1 : 0
        default: return nil
        }
    }

    /// Truth: false, nil, 0, "" , "0", empty list/map are false.
    public var isTrue: Bool {
        switch self {
        case .bool(let flag): return flag
        case .none: return false
        case .number(let number): return number != 0
        case .string(let text): return !text.isEmpty && text != "0"
        case .list(let items): return !items.isEmpty
        case .map(let map): return !map.entries.isEmpty
        }
    }

    public var typeName: String {
        switch self {
        case .string: return "string"
        case .number: return "number"
        case .bool: return "boolean"
        case .list: return "list"
        case .map: return "map"
        case .none: return "nil"
        }
    }
}

/// A map that keeps insertion order and finds keys ignoring ASCII case (AMI headers).
public struct OrderedMap: Sendable, Hashable {
    public private(set) var entries: [(key: String, value: Value)] = []

    public init(_ entries: [(String, Value)] = []) {
        for (key, value) in entries { self[key] = value }
    }

    public subscript(key: String) -> Value? {
        get { entries.first { AMIHeader.namesEqual($0.key, key) }?.value }
        set {
            if let index = entries.firstIndex(where: { AMIHeader.namesEqual($0.key, key) }) {
                if let newValue { entries[index].value = newValue } else { entries.remove(at: index) }
            } else if let newValue {
                entries.append((key, newValue))
            }
        }
    }

    public var keys: [String] { entries.map(\.key) }
    public var values: [Value] { entries.map(\.value) }

    public mutating func reserveCapacity(_ count: Int) {
        entries.reserveCapacity(count)
    }

    public static func == (lhs: OrderedMap, rhs: OrderedMap) -> Bool {
        lhs.entries.count == rhs.entries.count
            && zip(lhs.entries, rhs.entries).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for entry in entries {
            hasher.combine(entry.key)
            hasher.combine(entry.value)
        }
    }
}
