/// Tcl `expr` text and `[command]` substitutions as amiscript expressions.
extension Converter {
    /// A condition or `expr` argument: braced text is an expression to read; anything
    /// else is a value whose truth counts.
    func condition(_ word: TclWord) -> String {
        if word.form == .braced || word.literal != nil {
            return expression(text: word.literal ?? word.source, line: word.line)
        }
        if word.parts.count == 1, case .command = word.parts[0] { return value(word) }
        return value(word)
    }

    /// `parenthesized`: an operator expression comes in parentheses, to stand as a value
    /// (`set n ($a + 1)`); a condition does not need them.
    func expression(text: String, line: Int, parenthesized: Bool = false) -> String {
        do {
            let tree = try TclExpressionParser.parse(text, line: line)
            let converted = expression(tree, line: line)
            if parenthesized, case .binary(let op, _, _) = tree, op != "/" || tree.isFloat, op != "in", op != "ni" {
                return "(" + converted + ")"
            }
            return converted
        } catch {
            note("cannot read the expression: \(error.message)", at: line)
            return "false"
        }
    }

    func expression(_ tree: TclExpression, line: Int) -> String {
        func operand(_ tree: TclExpression) -> String {
            let text = expression(tree, line: line)
            switch tree {
            case .binary(let op, _, _) where op == "/" && !tree.isFloat: return text
            case .binary(let op, _, _) where op == "in" || op == "ni": return text
            case .binary: return "(" + text + ")"
            default: return text
            }
        }
        switch tree {
        case .number(let text):
            if text.hasPrefix("0x") || text.hasPrefix("0X"), let number = Int(text.dropFirst(2), radix: 16) { return String(number) }
            if text.hasPrefix("."), Double(text) != nil { return "0" + text }
            return text
        case .word(let word):
            return value(word)
        case .bareWord(let word):
            switch word.lowercased() {
            case "true", "yes", "on": return "true"
            case "false", "no", "off": return "false"
            default:
                note("'\(word)' in an expression is not a value amiscript knows", at: line)
                return AmiscriptText.string(word)
            }
        case .unary(let op, let inner):
            switch op {
            case "-": return "-" + operand(inner)
            case "+": return operand(inner)
            case "!": return "!" + operand(inner)
            default:
                note("the operator \(op) has no counterpart in amiscript", at: line)
                return operand(inner)
            }
        case .binary(let op, let left, let right):
            switch op {
            case "eq": return operand(left) + " == " + operand(right)
            case "ne": return operand(left) + " != " + operand(right)
            case "==", "!=", "<", ">", "<=", ">=", "&&", "||", "+", "-", "*", "%":
                return operand(left) + " \(op) " + operand(right)
            case "/":
                // Tcl divides integers to an integer.
                if left.isFloat || right.isFloat { return operand(left) + " / " + operand(right) }
                return "int(" + operand(left) + " / " + operand(right) + ")"
            case "in": return "contains(\(expression(right, line: line)), \(expression(left, line: line)))"
            case "ni": return "!contains(\(expression(right, line: line)), \(expression(left, line: line)))"
            default:
                note("the operator \(op) has no counterpart in amiscript", at: line)
                return operand(left)
            }
        case .ternary(let test, let yes, let no):
            // amiscript has no ?:, so the value is worked out first.
            let result = temporary("choice")
            let testText = expression(test, line: line)
            let yesText = expression(yes, line: line)
            let noText = expression(no, line: line)
            pending.append("if \(testText) { set \(result) \(yesText) } else { set \(result) \(noText) }")
            return "$" + result
        case .call(let name, let arguments):
            let texts = arguments.map { expression($0, line: line) }
            switch (name, texts.count) {
            case ("int", 1), ("wide", 1), ("entier", 1): return "int(\(texts[0]))"
            case ("double", 1): return "num(\(texts[0]))"
            case ("abs", 1):
                let result = temporary("abs")
                pending.append("set \(result) \(texts[0])")
                pending.append("if $\(result) < 0 { set \(result) (-$\(result)) }")
                return "$" + result
            case ("max", _) where texts.count >= 1, ("min", _) where texts.count >= 1:
                let sorted = "sort([\(texts.joined(separator: ", "))])"
                return name == "min" ? "\(sorted)[0]" : "\(sorted)[-1]"
            default:
                note("the function \(name)() has no counterpart in amiscript", at: line)
                return texts.first ?? "0"
            }
        }
    }

    /// The value of `[script]`.
    func commandValue(_ script: TclScript, _ want: Want, line: Int) -> String {
        let commands = script.commands.filter { $0.comment == nil }
        guard let last = commands.last else { return "\"\"" }
        if commands.count > 1 {
            note("a command substitution with more than one command: only the last one's value is kept", at: line)
        }
        return commandValue(last, want)
    }

    /// One command's result as an expression.
    func commandValue(_ command: TclCommand, _ want: Want) -> String {
        let line = command.line
        guard let name = command.words.first?.literal else {
            note("a command whose name is computed cannot be translated", at: line)
            return "\"\""
        }
        let arguments = Array(command.words.dropFirst())
        func unsupported(_ why: String) -> String {
            note(why, at: line)
            return "\"\""
        }
        switch name {
        case "expr":
            let text = arguments.map { $0.form == .braced ? $0.source : ($0.literal ?? $0.source) }.joined(separator: " ")
            if arguments.count == 1, arguments[0].form != .braced, arguments[0].literal == nil {
                // `expr $a+$b`: Tcl substitutes first, then reads the result as an expression.
                return expression(text: arguments[0].source, line: line, parenthesized: true)
            }
            return expression(text: text, line: line, parenthesized: true)
        case "set" where arguments.count == 1:
            guard let target = arguments[0].literal else { return unsupported("set with a computed name") }
            return variable(reference: target, want, line: line)
        case "lindex":
            guard let list = arguments.first else { return unsupported("lindex without a list") }
            guard arguments.count == 2 else { return value(list, .list) }
            return "get(\(value(list, .list)), \(listIndex(arguments[1])), \"\")"
        case "llength" where arguments.count == 1:
            return "len(\(value(arguments[0], .list)))"
        case "lrange" where arguments.count == 3:
            let start = listIndex(arguments[1])
            if let end = exclusiveEnd(arguments[2]) { return "slice(\(value(arguments[0], .list)), \(start), \(end))" }
            return "slice(\(value(arguments[0], .list)), \(start))"
        case "list":
            return "[" + arguments.map { value($0) }.joined(separator: ", ") + "]"
        case "lsort":
            return lsort(arguments, line: line)
        case "lreverse" where arguments.count == 1:
            return "reverse(\(value(arguments[0], .list)))"
        case "join" where arguments.count == 1:
            return "join(\(value(arguments[0], .list)))"
        case "join" where arguments.count == 2:
            return "join(\(value(arguments[0], .list)), \(value(arguments[1], .text)))"
        case "split" where arguments.count == 1:
            return "split(\(value(arguments[0], .text)))"
        case "split" where arguments.count == 2:
            if let separator = arguments[1].literal, separator.unicodeScalars.count > 1 {
                // Tcl splits at each of the characters.
                let pattern = "[" + separator.unicodeScalars.map { AmiscriptText.regexQuoted(String($0)) }.joined() + "]"
                return "split(gsub(\(value(arguments[0], .text)), \(AmiscriptText.string(pattern)), \(AmiscriptText.string(String(separator.unicodeScalars.first!)))), \(AmiscriptText.string(String(separator.unicodeScalars.first!))))"
            }
            return "split(\(value(arguments[0], .text)), \(value(arguments[1], .text)))"
        case "concat":
            return arguments.map { value($0, .list) }.joined(separator: " + ")
        case "string":
            return string(arguments, line: line)
        case "format" where !arguments.isEmpty:
            return "format(" + ([value(arguments[0], .text)] + arguments.dropFirst().map { value($0) }).joined(separator: ", ") + ")"
        case "regexp":
            return regexp(arguments, line: line, asValue: true)
        case "regsub":
            return regsub(arguments, line: line) ?? "\"\""
        case "exec":
            return exec(arguments, line: line) + ".stdout"
                |> { "sub(\($0), \"\\n$\", \"\")" }
        case "clock" where arguments.first?.literal == "seconds":
            return "int(now())"
        case "clock" where arguments.first?.literal == "milliseconds":
            return "int(now() * 1000)"
        case "clock" where arguments.first?.literal == "format" && arguments.count >= 2:
            var format = "\"%a %b %d %H:%M:%S %Z %Y\""
            if let at = arguments.firstIndex(where: { $0.literal == "-format" }), at + 1 < arguments.count {
                format = value(arguments[at + 1], .text)
            }
            return "strftime(\(format), \(value(arguments[1])))"
        case "timestamp":
            if let at = arguments.firstIndex(where: { $0.literal == "-format" }), at + 1 < arguments.count {
                return "strftime(\(value(arguments[at + 1], .text)))"
            }
            return "int(now())"
        case "info" where arguments.count == 2 && arguments[0].literal == "exists":
            if let target = arguments[1].literal, target.hasPrefix("env("), target.hasSuffix(")") {
                let variable = String(target.dropFirst(4).dropLast())
                return "(env(\(AmiscriptText.string(variable))) != nil)"
            }
            return unsupported("info exists of a variable has no counterpart (amiscript cannot ask whether a variable is set)")
        case "incr", "append", "lappend":
            // Statements whose result is used: do the statement, then read the variable.
            guard let target = arguments.first?.literal else { return unsupported("\(name) with a computed name") }
            statement(command)
            return variable(reference: target, want, line: line)
        case "catch":
            return catchValue(arguments, line: line)
        default:
            if let params = procs[name] {
                if params.count != arguments.count, params.last != "args" {
                    note("\(name) takes \(params.count) arguments, given \(arguments.count)", at: line)
                }
                return "\(AmiscriptText.name(name))(" + arguments.map { value($0) }.joined(separator: ", ") + ")"
            }
            return unsupported("the command '\(name)' has no counterpart in amiscript")
        }
    }

    /// `name` or `name(key)` written as a Tcl variable reference, as an expression.
    func variable(reference text: String, _ want: Want, line: Int) -> String {
        if let open = text.firstIndex(of: "("), text.hasSuffix(")") {
            let key = String(text[text.index(after: open)..<text.index(before: text.endIndex)])
            return variable(String(text[..<open]), index: [.text(key)], want, line: line)
        }
        return variable(text, index: nil, want, line: line)
    }

    private func lsort(_ arguments: [TclWord], line: Int) -> String {
        guard let list = arguments.last else { return "[]" }
        var text = true
        var descending = false
        for option in arguments.dropLast() {
            switch option.literal {
            case "-ascii", "-dictionary", "-increasing": break
            case "-integer", "-real": text = false
            case "-decreasing": descending = true
            default: note("lsort \(option.literal ?? "…") has no counterpart (sort() knows text, numbers and desc)", at: line)
            }
        }
        let how = [text ? "text" : nil, descending ? "desc" : nil].compactMap { $0 }.joined(separator: " ")
        return how.isEmpty ? "sort(\(value(list, .list)))" : "sort(\(value(list, .list)), \"\(how)\")"
    }

    private func string(_ arguments: [TclWord], line: Int) -> String {
        guard let sub = arguments.first?.literal else { return "\"\"" }
        var rest = Array(arguments.dropFirst())
        var nocase = false
        if let at = rest.firstIndex(where: { $0.literal == "-nocase" }) { nocase = true; rest.remove(at: at) }
        rest.removeAll { $0.literal == "-strict" }
        func text(_ index: Int) -> String { value(rest[index], .text) }
        switch (sub, rest.count) {
        case ("length", 1): return "len(\(text(0)))"
        case ("tolower", 1): return "lower(\(text(0)))"
        case ("toupper", 1): return "upper(\(text(0)))"
        case ("trim", 1): return "trim(\(text(0)))"
        case ("trimleft", 1): return "sub(\(text(0)), \"^\\\\s+\", \"\")"
        case ("trimright", 1): return "sub(\(text(0)), \"\\\\s+$\", \"\")"
        case ("first", 2): return "index(\(text(1)), \(text(0)))"
        case ("index", 2): return "substr(\(text(0)), \(listIndex(rest[1])), 1)"
        case ("range", 3):
            let start = listIndex(rest[1])
            guard let end = exclusiveEnd(rest[2]) else { return "substr(\(text(0)), \(start))" }
            if let first = Int(start), let last = Int(end), last >= 0, first >= 0 {
                return "substr(\(text(0)), \(first), \(max(0, last - first)))"
            }
            return "substr(\(text(0)), \(start), \(end) - \(start))"
        case ("equal", 2):
            return nocase ? "lower(\(text(0))) == lower(\(text(1)))" : "\(text(0)) == \(text(1))"
        case ("match", 2):
            guard let glob = rest[0].literal else {
                note("string match with a computed pattern cannot be translated", at: line)
                return "false"
            }
            let pattern = (nocase ? "(?is)" : "(?s)") + AmiscriptText.globRegex(glob, anchored: true)
            return "(match(\(text(1)), \(AmiscriptText.string(pattern))) != nil)"
        case ("is", 2):
            let patterns = ["integer": "^\\s*[-+]?\\d+\\s*\\z", "digit": "^\\d+\\z", "double": "^\\s*[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?\\s*\\z",
                            "alpha": "^[A-Za-z]+\\z", "alnum": "^[A-Za-z0-9]+\\z", "space": "^\\s+\\z"]
            guard let kind = rest[0].literal, let pattern = patterns[kind] else { break }
            return "(match(\(text(1)), \(AmiscriptText.string(pattern))) != nil)"
        case ("repeat", 2):
            let result = temporary("repeat")
            pending.append("set \(result) \"\"")
            pending.append("for convert_i in 1..\(value(rest[1])) { set \(result) join([$\(result), \(text(0))], \"\") }")
            return "$" + result
        case ("map", 2):
            guard let pairs = rest[0].literal.flatMap({ try? TclParser.parseList($0) }), pairs.count == 2,
                  let from = pairs[0].literal, let to = pairs[1].literal else { break }
            return "replace(\(text(1)), \(AmiscriptText.string(from)), \(AmiscriptText.string(to)))"
        default: break
        }
        note("string \(sub) (with \(rest.count) arguments) has no counterpart in amiscript", at: line)
        return "\"\""
    }

    /// `catch {script} ?var?` as a value: for an `exec`, whether it failed.
    private func catchValue(_ arguments: [TclWord], line: Int) -> String {
        guard let first = arguments.first, let script = script(of: first) else { return "0" }
        let commands = script.commands.filter { $0.comment == nil }
        if commands.count == 1, commands[0].words.first?.literal == "exec" {
            let result = temporary("exec")
            pending.append("set \(result) \(exec(Array(commands[0].words.dropFirst()), line: line))")
            if arguments.count >= 2, let target = arguments[1].literal {
                pending.append("if $\(result).status == 0 { set \(AmiscriptText.name(target)) sub($\(result).stdout, \"\\n$\", \"\") } else { set \(AmiscriptText.name(target)) sub($\(result).stderr, \"\\n$\", \"\") }")
            }
            return "($\(result).status != 0)"
        }
        // Anything else: run it; amiscript has no way to catch a runtime error.
        note("catch: amiscript cannot catch a runtime error; the block runs as it is", at: line)
        flushPending()
        for command in commands { statement(command) }
        return "0"
    }

    /// `exec` arguments as a call of exec() or, with a pipe or redirection, sh().
    func exec(_ arguments: [TclWord], line: Int) -> String {
        let shellWords = ["|", "<", ">", ">>", "2>", "2>@1", "&", ">&", "2>&1", "<<"]
        var words = arguments
        if words.first?.literal == "--" { words.removeFirst() }
        if words.contains(where: { word in word.literal.map { text in shellWords.contains(where: { text.hasPrefix($0) }) } ?? false }) {
            let command = words.map { word -> String in
                if let text = word.literal { return AmiscriptText.string(text) }
                return value(word, .text)
            }
            return "sh(join([" + command.joined(separator: ", ") + "]))"
        }
        return "exec(" + words.map { value($0, .text) }.joined(separator: ", ") + ")"
    }
}

infix operator |>: AdditionPrecedence
func |> <T, U>(value: T, transform: (T) -> U) -> U { transform(value) }
