import AMIProtocol

/// The built-in functions.
public enum Builtins {
    /// Every built-in's name, in the order the reference lists them.
    /// Every built-in and how many arguments it takes: the one table that the calls, the
    /// static checks of `--check`, completion and help read.
    public static let signatures: [(name: String, arguments: ClosedRange<Int>)] = [
        ("len", 1...1), ("int", 1...1), ("num", 1...1), ("str", 1...1), ("upper", 1...1), ("lower", 1...1),
        ("trim", 1...1), ("split", 1...2), ("join", 1...2), ("contains", 2...2), ("replace", 3...3),
        ("substr", 2...3), ("index", 2...2), ("format", 1...Int.max), ("match", 2...2), ("sub", 3...3),
        ("gsub", 3...3), ("keys", 1...1), ("values", 1...1), ("get", 2...3), ("sort", 1...2), ("reverse", 1...1),
        ("slice", 2...3), ("env", 1...2), ("now", 0...0), ("strftime", 1...2), ("md5", 1...1),
        ("urldecode", 1...1), ("secret", 0...1), ("json", 1...1), ("parse_json", 1...1),
        ("read_file", 1...1), ("read_lines", 1...1), ("secret_file", 1...1), ("write_file", 2...2), ("append_file", 2...2),
        ("exec", 1...Int.max), ("sh", 1...1),
    ]
    public static let orderedNames: [String] = signatures.map(\.name)
    static let names = Set(orderedNames)
    static let arity = Dictionary(uniqueKeysWithValues: signatures.map { ($0.name, $0.arguments) })

    /// The complaint about `count` arguments to built-in `name`, or nil when it takes them.
    public static func arityProblem(_ name: String, _ count: Int) -> String? {
        guard let counts = arity[name], !counts.contains(count) else { return nil }
        let expected: String
        if counts.upperBound == Int.max {
            expected = "at least \(counts.lowerBound)"
        } else if counts.lowerBound == counts.upperBound {
            expected = "\(counts.lowerBound)"
        } else {
            expected = "\(counts.lowerBound) to \(counts.upperBound)"
        }
        let one = counts.lowerBound == 1 && (counts.upperBound == 1 || counts.upperBound == Int.max)
        return "\(name)() takes \(expected) argument\(one ? "" : "s"), not \(count)"
    }

    static func call(_ name: String, _ arguments: [Value], interpreter: Interpreter, at location: SourceLocation) throws -> Value {
        if let problem = arityProblem(name, arguments.count) { throw ScriptError(location, problem) }
        func text(_ index: Int) -> String { arguments[index].description }
        switch name {
        case "len":
            switch arguments[0] {
            case .list(let items): return .number(Double(items.count))
            case .map(let map): return .number(Double(map.entries.count))
            case .none: return .number(0)
            default: return .number(Double(ScalarText.count(text(0))))
            }
        case "int":
            guard let number = arguments[0].number else {
                throw ScriptError(location, "int(): '\(text(0))' is not a number")
            }
            return .number(number.rounded(.towardZero))
        case "num":
            guard let number = arguments[0].number else { throw ScriptError(location, "num(): '\(text(0))' is not a number") }
            return .number(number)
        case "str":
            return .string(text(0))
        case "upper":
            return .string(text(0).uppercased())
        case "lower":
            return .string(text(0).lowercased())
        case "trim":
            return .string(VisibleText.trimming(text(0), " \t\r\n"))
        case "split":
            let source = text(0)
            if arguments.count == 1 {
                return .list(source.unicodeScalars.split(whereSeparator: { $0.properties.isWhitespace }).map { .string(String($0)) })
            }
            let separator = text(1)
            guard !separator.isEmpty else { return .list(ScalarText.characters(source).map(Value.string)) }
            return .list(ScalarText.components(source, separatedBy: separator).map(Value.string))
        case "join":
            guard case .list(let items) = arguments[0] else { throw ScriptError(location, "join() wants a list first") }
            return .string(items.map(\.description).joined(separator: arguments.count == 2 ? text(1) : " "))
        case "contains":
            switch arguments[0] {
            case .list(let items): return .bool(items.contains { Interpreter.equal($0, arguments[1]) })
            case .map(let map): return .bool(map[text(1)] != nil)
            default: return .bool(ScalarText.contains(text(0), text(1)))
            }
        case "keys":
            guard case .map(let map) = arguments[0] else { throw ScriptError(location, "keys() wants a map") }
            return .list(map.keys.map(Value.string))
        case "get":
            let fallback = arguments.count == 3 ? arguments[2] : .none
            switch arguments[0] {
            case .map(let map):
                return map[text(1)] ?? fallback
            case .list(let items):
                // `get($argv, 0, "default")`: an optional item, as an optional entry.
                guard let position = try interpreter.readPosition(arguments[1], count: items.count, at: location) else { return fallback }
                return items[position]
            default:
                throw ScriptError(location, "get() wants a map or a list first, not a \(arguments[0].typeName)")
            }
        case "replace":
            return .string(ScalarText.replacing(text(0), text(1), with: text(2)))
        case "env":
            if let value = interpreter.configuration.environment[text(0)] { return .string(value) }
            return arguments.count == 2 ? arguments[1] : .none
        case "now":
            var spec = timespec()
            clock_gettime(CLOCK_REALTIME, &spec)
            return .number(Double(spec.tv_sec) + Double(spec.tv_nsec / 1000) / 1e6)
        case "md5":
            return .string(AMILogin.md5Hex(text(0)))
        case "urldecode":
            return .string(AMIValueDecoding.percentDecoded(text(0)))
        case "json":
            return .string(JSONWriter.string(arguments[0]))
        case "parse_json":
            do {
                return try JSONReader.parse(text(0))
            } catch {
                throw ScriptError(location, "parse_json(): \(error)")
            }
        case "secret":
            guard let line = interpreter.output.readSecret(prompt: arguments.isEmpty ? "Secret: " : text(0)) else {
                throw ScriptError(location, "secret(): no terminal to read from")
            }
            return .string(line)
        case "substr", "index", "format", "values", "sort", "reverse", "slice", "strftime":
            return try TextBuiltins.call(name, arguments, at: location)
        case "secret_file":
            return .string(try SecretFile.read(text(0), what: "secret_file()", at: location))
        case "read_file", "read_lines", "write_file", "append_file":
            return try FileBuiltins.call(name, arguments, at: location)
        default:
            throw ScriptError(location, "no function or proc named '\(name)'")
        }
    }

}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
