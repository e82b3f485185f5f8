import AMIProtocol

/// The built-in functions.
public enum Builtins {
    /// Every built-in's name, in the order the reference lists them.
    public static let orderedNames: [String] = [
        "len", "int", "num", "str", "upper", "lower", "trim", "split", "join", "contains", "replace",
        "keys", "get", "env", "now", "md5", "urldecode", "secret", "json", "parse_json",
    ]
    static let names = Set(orderedNames)

    static func call(_ name: String, _ arguments: [Value], interpreter: Interpreter, at location: SourceLocation) throws -> Value {
        func want(_ counts: ClosedRange<Int>) throws {
            guard counts.contains(arguments.count) else {
                let expected = counts.lowerBound == counts.upperBound ? "\(counts.lowerBound)" : "\(counts.lowerBound) to \(counts.upperBound)"
                throw ScriptError(location, "\(name)() takes \(expected) argument\(counts.upperBound == 1 ? "" : "s"), not \(arguments.count)")
            }
        }
        func text(_ index: Int) -> String { arguments[index].description }
        switch name {
        case "len":
            try want(1...1)
            switch arguments[0] {
            case .list(let items): return .number(Double(items.count))
            case .map(let map): return .number(Double(map.entries.count))
            case .none: return .number(0)
            default: return .number(Double(text(0).count))
            }
        case "int":
            try want(1...1)
            guard let number = arguments[0].number else {
                throw ScriptError(location, "int(): '\(text(0))' is not a number")
            }
            return .number(number.rounded(.towardZero))
        case "num":
            try want(1...1)
            guard let number = arguments[0].number else { throw ScriptError(location, "num(): '\(text(0))' is not a number") }
            return .number(number)
        case "str":
            try want(1...1)
            return .string(text(0))
        case "upper":
            try want(1...1)
            return .string(text(0).uppercased())
        case "lower":
            try want(1...1)
            return .string(text(0).lowercased())
        case "trim":
            try want(1...1)
            return .string(VisibleText.trimming(text(0), " \t\r\n"))
        case "split":
            try want(1...2)
            let source = text(0)
            if arguments.count == 1 {
                return .list(source.split(whereSeparator: { $0.isWhitespace }).map { .string(String($0)) })
            }
            let separator = text(1)
            guard !separator.isEmpty else { return .list(source.map { .string(String($0)) }) }
            return .list(source.components(separatedBy: separator).map(Value.string))
        case "join":
            try want(1...2)
            guard case .list(let items) = arguments[0] else { throw ScriptError(location, "join() wants a list first") }
            return .string(items.map(\.description).joined(separator: arguments.count == 2 ? text(1) : " "))
        case "contains":
            try want(2...2)
            switch arguments[0] {
            case .list(let items): return .bool(items.contains { Interpreter.equal($0, arguments[1]) })
            case .map(let map): return .bool(map[text(1)] != nil)
            default: return .bool(text(0).range(of: text(1)) != nil || text(1).isEmpty)
            }
        case "keys":
            try want(1...1)
            guard case .map(let map) = arguments[0] else { throw ScriptError(location, "keys() wants a map") }
            return .list(map.keys.map(Value.string))
        case "get":
            try want(2...3)
            guard case .map(let map) = arguments[0] else {
                throw ScriptError(location, "get() wants a map first, not a \(arguments[0].typeName)")
            }
            return map[text(1)] ?? (arguments.count == 3 ? arguments[2] : .none)
        case "replace":
            try want(3...3)
            return .string(text(0).replacingOccurrences(of: text(1), with: text(2)))
        case "env":
            try want(1...2)
            if let value = interpreter.configuration.environment[text(0)] { return .string(value) }
            return arguments.count == 2 ? arguments[1] : .none
        case "now":
            try want(0...0)
            var spec = timespec()
            clock_gettime(CLOCK_REALTIME, &spec)
            return .number(Double(spec.tv_sec) + Double(spec.tv_nsec / 1000) / 1e6)
        case "md5":
            try want(1...1)
            return .string(AMILogin.md5Hex(text(0)))
        case "urldecode":
            try want(1...1)
            return .string(AMIValueDecoding.percentDecoded(text(0)))
        case "json":
            try want(1...1)
            return .string(JSONWriter.string(arguments[0]))
        case "parse_json":
            try want(1...1)
            do {
                return try JSONReader.parse(text(0))
            } catch {
                throw ScriptError(location, "parse_json(): \(error)")
            }
        case "secret":
            try want(0...1)
            guard let line = interpreter.output.readSecret(prompt: arguments.isEmpty ? "Secret: " : text(0)) else {
                throw ScriptError(location, "secret(): no terminal to read from")
            }
            return .string(line)
        default:
            throw ScriptError(location, "no function or proc named '\(name)'")
        }
    }

}

extension String {
    func components(separatedBy separator: String) -> [String] {
        var parts: [String] = []
        var rest = Substring(self)
        while let range = rest.range(of: separator) {
            parts.append(String(rest[..<range.lowerBound]))
            rest = rest[range.upperBound...]
        }
        parts.append(String(rest))
        return parts
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
