/// Tcl words as amiscript values.
extension Converter {
    /// The amiscript expression for a word.
    func value(_ word: TclWord, _ want: Want = .any) -> String {
        if word.form == .braced {
            return literal(word.literal ?? word.source, want, line: word.line)
        }
        return value(parts: word.parts, want, line: word.line)
    }

    /// Literal text as a value: a number where Tcl would see one, a list literal where a
    /// list is wanted, else a string.
    func literal(_ text: String, _ want: Want, line: Int) -> String {
        switch want {
        case .list:
            guard let words = try? TclParser.parseList(text, firstLine: line) else { return AmiscriptText.string(text) }
            let items = words.map { word -> String in
                let item = word.form == .braced ? word.source : (word.literal ?? word.source)
                return literal(item, .any, line: line)
            }
            return "[" + items.joined(separator: ", ") + "]"
        case .any:
            return AmiscriptText.isPlainNumber(text) ? text : AmiscriptText.string(text)
        case .text:
            return AmiscriptText.string(text)
        }
    }

    func value(parts: [TclPart], _ want: Want, line: Int) -> String {
        if parts.isEmpty { return want == .list ? "[]" : "\"\"" }
        if parts.count == 1 {
            switch parts[0] {
            case .text(let text): return literal(text, want, line: line)
            case .variable(let name, let index): return variable(name, index: index, want, line: line)
            case .command(let script): return commandValue(script, want, line: line)
            }
        }
        if let interpolated = interpolation(parts, line: line) { return interpolated }
        // Text glued to calls: joined as text (`+` would add text that reads as numbers).
        let items = parts.map { part -> String in
            switch part {
            case .text(let text): return AmiscriptText.string(text)
            case .variable(let name, let index): return variable(name, index: index, .text, line: line)
            case .command(let script): return commandValue(script, .text, line: line)
            }
        }
        return "join([" + items.joined(separator: ", ") + "], \"\")"
    }

    /// A string literal with `${name}` inside, when every part allows it.
    func interpolation(_ parts: [TclPart], line: Int) -> String? {
        var out = "\""
        for (position, part) in parts.enumerated() {
            switch part {
            case .text(let text):
                out += AmiscriptText.escaped(text)
            case .variable(let name, let index):
                guard let piece = interpolated(name, index: index, line: line) else { return nil }
                // `$1` followed by a digit would read as `$12`.
                if piece.hasPrefix("$"), !piece.hasPrefix("${"), position + 1 < parts.count,
                   case .text(let next) = parts[position + 1], let first = next.first, first.isNumber || first == "_" || first.isLetter {
                    return nil
                }
                out += piece
            case .command:
                return nil
            }
        }
        return out + "\""
    }

    /// A variable inside a string literal, or nil when it needs a call.
    private func interpolated(_ name: String, index: [TclPart]?, line: Int) -> String? {
        if name == "expect_out", let index, let key = indexText(index) {
            if key == "buffer" { return "${before}$0" }
            if let group = captureGroup(key) { return "$\(group)" }
            return nil
        }
        guard index == nil else { return nil }
        if listVariables.contains(name) || name == "argc" { return nil }
        return "${\(AmiscriptText.name(name))}"
    }

    /// `N` of `expect_out(N,string)`.
    func captureGroup(_ key: String) -> Int? {
        guard key.hasSuffix(",string"), let number = Int(key.dropLast(7)), (0...99).contains(number) else { return nil }
        return number
    }

    func indexText(_ index: [TclPart]) -> String? {
        var text = ""
        for part in index {
            guard case .text(let piece) = part else { return nil }
            text += piece
        }
        return text
    }

    /// `$name` / `$name(index)` as an expression.
    func variable(_ name: String, index: [TclPart]?, _ want: Want, line: Int) -> String {
        if let index {
            let key = indexText(index)
            if name == "expect_out" {
                if key == "buffer" { return "\"${before}$0\"" }
                if let key, let group = captureGroup(key) { return "$\(group)" }
                note("$expect_out(\(key ?? "…")) has no counterpart (only N,string and buffer do)", at: line)
                return "\"\""
            }
            if name == "env" {
                let variable = key.map(AmiscriptText.string) ?? value(parts: index, .text, line: line)
                return "env(\(variable), \"\")"
            }
            let keyValue = key.map(AmiscriptText.string) ?? value(parts: index, .text, line: line)
            return "$\(AmiscriptText.name(name))[\(keyValue)]"
        }
        switch name {
        case "argc": return "len($argv)"
        case "argv0": return "$argv0"
        default: break
        }
        let expression = "$" + AmiscriptText.name(name)
        if want == .text && listVariables.contains(name) { return listText(expression) }
        return expression
    }

    /// A list where Tcl wants text: its items with blanks between, braced as Tcl does.
    func listText(_ list: String) -> String {
        "\(helper(Helpers.listText.0, Helpers.listText.1))(\(list))"
    }

    /// A Tcl list index (`0`, `end`, `end-1`, `$i`) as an amiscript index.
    func listIndex(_ word: TclWord) -> String {
        if let text = word.literal {
            if text == "end" { return "-1" }
            if text.hasPrefix("end-"), let back = Int(text.dropFirst(4)) { return String(-(back + 1)) }
            if let number = Int(text) { return String(number) }
        }
        return value(word)
    }

    /// An end position for `lrange`/`string range` (inclusive in Tcl) as the exclusive end
    /// amiscript's slice wants; nil for `end`.
    func exclusiveEnd(_ word: TclWord) -> String? {
        if let text = word.literal {
            if text == "end" { return nil }
            if text.hasPrefix("end-"), let back = Int(text.dropFirst(4)) { return String(-back) }
            if let number = Int(text) { return String(number + 1) }
        }
        return "(\(value(word)) + 1)"
    }
}
