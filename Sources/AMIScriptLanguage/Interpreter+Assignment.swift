/// `set NAME[KEY] VALUE`, `set NAME.Field VALUE`, `unset NAME[KEY]`: changing a part of a
/// variable's value. Values are copied on write, so the variable gets the changed copy.
extension Interpreter {
    /// Sets (or, with nil, removes) the entry at `path` inside variable `name`.
    func assign(_ name: String, path: [PathStep], _ newValue: Value?, at location: SourceLocation) async throws {
        guard let current = lookup(name) else {
            let verb = newValue == nil ? "unset" : "set"
            throw ScriptError(location, "\(verb) \(name)\(Self.display(path)): no variable named $\(name) (set \(name) {} or set \(name) [] first)")
        }
        var keys: [(key: Value, location: SourceLocation)] = []
        for step in path {
            switch step {
            case .field(let field, let at): keys.append((.string(field), at))
            case .index(let expression, let at): keys.append((try await evaluate(expression), at))
            }
        }
        // The other entries were checked when they were made: only the new one's depth counts.
        if let newValue { try Self.checkNesting([newValue], levelsAbove: keys.count, at: location) }
        assign(name, try Self.updating(current, at: keys[...], to: newValue))
    }

    private static func updating(_ container: Value, at keys: ArraySlice<(key: Value, location: SourceLocation)>,
                                 to newValue: Value?) throws -> Value {
        let (key, location) = keys[keys.startIndex]
        let rest = keys.dropFirst()
        switch container {
        case .map(var map):
            let name = key.description
            if rest.isEmpty {
                if newValue == nil, map[name] == nil {
                    throw ScriptError(location, "unset: no key '\(name)' in the map\(keyList(map))")
                }
                map[name] = newValue
            } else {
                guard let inner = map[name] else {
                    throw ScriptError(location, "no key '\(name)' in the map\(keyList(map))")
                }
                map[name] = try updating(inner, at: rest, to: newValue)
            }
            return .map(map)
        case .list(var items):
            guard let number = key.number, number == number.rounded(), abs(number) < 1e15 else {
                throw ScriptError(location, "a list's index is a whole number, not '\(key)'")
            }
            let index = Int(number)
            if rest.isEmpty, let newValue {
                if index >= 0, index < items.count {
                    items[index] = newValue
                } else if index == items.count {
                    items.append(newValue)
                } else {
                    let replaceable = items.isEmpty ? "nothing to replace" : "0 to \(items.count - 1) to replace"
                    throw ScriptError(location, "index \(index) is out of range: a list of \(items.count) takes \(replaceable), \(items.count) to append")
                }
                return .list(items)
            }
            guard index >= 0, index < items.count else {
                throw ScriptError(location, "index \(index) is out of range (the list has \(items.count) item\(items.count == 1 ? "" : "s"))")
            }
            if rest.isEmpty {
                items.remove(at: index)
            } else {
                items[index] = try updating(items[index], at: rest, to: newValue)
            }
            return .list(items)
        default:
            throw ScriptError(location, "cannot \(newValue == nil ? "remove" : "set") '[\(key)]' of a \(container.typeName) (only maps and lists have parts)")
        }
    }

    static func display(_ path: [PathStep]) -> String {
        path.map { step in
            switch step {
            case .field(let name, _): return ".\(name)"
            case .index(.literal(let value, _), _): return "[\(value)]"
            case .index(.variable(let variable, _), _): return "[$\(variable.display)]"
            case .index: return "[…]"
            }
        }.joined()
    }
}
