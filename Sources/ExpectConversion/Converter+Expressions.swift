/// Tcl `expr` text and `[command]` substitutions as amiscript expressions.
extension Converter {
    /// A condition or `expr` argument: braced text is an expression to read; anything
    /// else is a value whose truth counts.
    func condition(_ word: TclWord) -> String {
        let outer = inCondition
        inCondition = true
        defer { inCondition = outer }
        if word.form == .braced || word.literal != nil {
            return expression(text: word.literal ?? word.source, line: word.line)
        }
        return value(word)
    }

    /// `parenthesized`: an operator expression comes in parentheses, to stand as a value
    /// (`set n ($a + 1)`); a condition does not need them.
    func expression(text: String, line: Int, parenthesized: Bool = false) -> String {
        deeper("false", line: line) { expressionWithin(text: text, line: line, parenthesized: parenthesized) }
    }

    private func expressionWithin(text: String, line: Int, parenthesized: Bool) -> String {
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

    /// Commands whose result is a Tcl list.
    static let listCommands: Set<String> = ["list", "lsort", "lrange", "lreverse", "split", "concat", "lmap", "lappend"]

    /// One command's result as an expression (a list result as text where text is wanted).
    func commandValue(_ command: TclCommand, _ want: Want) -> String {
        deeper("\"\"", line: command.line) { commandValueWithin(command, want) }
    }

    private func commandValueWithin(_ command: TclCommand, _ want: Want) -> String {
        let result = commandResult(command, want)
        if want == .text, let name = command.words.first?.literal,
           Self.listCommands.contains(name) || (name == "array" && command.words.dropFirst().first?.literal == "names") {
            return listText(result)
        }
        return result
    }

    /// Tcl's comparisons give 1 or 0, amiscript's true or false: where the value is kept
    /// or printed (not tested by if/while), it is made 1 or 0.
    func number(ofTruth truth: String) -> String {
        let result = temporary("truth")
        pending.append("set \(result) 0")
        pending.append("if \(truth) { set \(result) 1 }")
        return "$" + result
    }

    /// True for a command whose Tcl result is 1 or 0.
    func givesTruth(_ command: TclCommand) -> Bool {
        let words = command.words.map(\.literal)
        switch words.first ?? nil {
        case "expr":
            let text = command.words.dropFirst().map { $0.form == .braced ? $0.source : ($0.literal ?? $0.source) }.joined(separator: " ")
            guard let tree = try? TclExpressionParser.parse(text, line: command.line) else { return false }
            switch tree {
            case .binary(let op, _, _): return ["==", "!=", "<", ">", "<=", ">=", "eq", "ne", "&&", "||", "in", "ni"].contains(op)
            case .unary(let op, _): return op == "!"
            default: return false
            }
        case "string": return ["equal", "match", "is"].contains(words.dropFirst().first ?? nil)
        case "info": return true
        case "regexp": return command.words.count <= 3 || command.words.contains { $0.literal == "-nocase" } && command.words.count <= 4
        default: return false
        }
    }

    private func commandResult(_ command: TclCommand, _ want: Want) -> String {
        if !inCondition, givesTruth(command) {
            inCondition = true
            let truth = commandResult(command, want)
            inCondition = false
            return number(ofTruth: truth)
        }
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
        // A proc named like a Tcl command replaces it (not `proc` itself, which defines it).
        if procs[name] != nil, name != "proc" { return procCall(name, arguments, line: line) }
        switch name {
        case "expr":
            let text = arguments.map { $0.form == .braced ? $0.source : ($0.literal ?? $0.source) }.joined(separator: " ")
            if arguments.count == 1, arguments[0].form != .braced, arguments[0].literal == nil {
                // `expr $a+$b`: Tcl substitutes first, then reads the result as an expression.
                return expression(text: arguments[0].source, line: line, parenthesized: true)
            }
            return expression(text: text, line: line, parenthesized: true)
        case "set" where arguments.count == 1:
            guard let target = target(arguments[0]) else { return unsupported("set with a computed name") }
            return target.key.map { "$\(target.name)[\($0)]" } ?? variable(arguments[0].literal ?? target.name, index: nil, want, line: line)
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
            return arguments.isEmpty ? "[]" : "(" + arguments.map { value($0, .list) }.joined(separator: " + ") + ")"
        case "string":
            return string(arguments, line: line)
        case "format" where !arguments.isEmpty:
            if let format = arguments[0].literal, let problem = AmiscriptText.formatProblem(format, values: arguments.count - 1) {
                // A Tcl error when it runs; amiscript refuses the script.
                return unsupported("format \"\(format)\": \(problem)")
            }
            return "format(" + ([value(arguments[0], .text)] + arguments.dropFirst().map { value($0) }).joined(separator: ", ") + ")"
        case "regexp":
            return regexp(arguments, line: line, asValue: true)
        case "regsub":
            return regsub(arguments, line: line) ?? "\"\""
        case "exec" where arguments.filter({ $0.literal != "--" }).isEmpty:
            return unsupported("exec without a program")
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
            if let target = target(arguments[1]), let key = target.key {
                return "contains($\(target.name), \(key))"
            }
            if let name = arguments[1].literal, arrayVariables.contains(name) { return "true" }
            return unsupported("info exists of a variable has no counterpart (amiscript cannot ask whether a variable is set)")
        case "incr", "append", "lappend":
            // Statements whose result is used: do the statement, then read the variable.
            guard let target = arguments.first?.literal else { return unsupported("\(name) with a computed name") }
            statement(command)
            return variable(reference: target, want, line: line)
        case "catch":
            return catchValue(arguments, line: line)
        case "array" where arguments.count >= 2:
            guard let name = arguments[1].literal else { return unsupported("array with a computed name") }
            let map = "$" + AmiscriptText.name(name)
            switch arguments[0].literal {
            case "names": return "keys(\(map))"
            case "size": return "len(\(map))"
            case "exists": return arrayVariables.contains(name) ? "true" : "false"
            default: return unsupported("array \(arguments[0].literal ?? "…") has no counterpart")
            }
        case "lsearch":
            var words = arguments
            var exact = false
            var regex = false
            while let option = words.first?.literal, option.hasPrefix("-"), words.count > 2 {
                words.removeFirst()
                switch option {
                case "-exact": exact = true
                case "-glob": exact = false
                case "-regexp": regex = true
                default: note("lsearch \(option) has no counterpart", at: line)
                }
            }
            guard words.count == 2 else { return unsupported("lsearch needs a list and a pattern") }
            let pattern: String
            if exact {
                pattern = value(words[1], .text)
            } else if let text = words[1].literal {
                pattern = AmiscriptText.string(regex ? "(?s)" + AmiscriptText.tclRegex(text) : "(?s)" + AmiscriptText.globRegex(text, anchored: true))
            } else {
                return unsupported("lsearch with a computed glob pattern (use -exact)")
            }
            return "\(helper(Helpers.listSearch.0, Helpers.listSearch.1))(\(value(words[0], .list)), \(pattern), \(exact ? "true" : "false"))"
        case "lmap" where arguments.count == 3:
            // lmap v $list {body}: the body's last command gives each item.
            guard let variable = arguments[0].literal, let body = script(of: arguments[2]) else {
                return unsupported("lmap over several variables has no counterpart")
            }
            let commands = body.commands.filter { $0.comment == nil }
            guard commands.count == 1 else { return unsupported("lmap with a body of more than one command has no counterpart") }
            let result = temporary("lmap")
            let list = value(arguments[1], .list)
            let saved = pending
            pending = []
            let item = commandValue(commands[0], .any)
            let inner = pending
            pending = saved
            pending.append("set \(result) []")
            pending.append("for \(AmiscriptText.name(variable)) in \(list) {")
            pending.append(contentsOf: inner.map { "    " + $0 })
            pending.append("    set \(result) ($\(result) + [\(item)])")
            pending.append("}")
            return "$" + result
        case "wait":
            // telnet's exit status: 0 after the server closed the connection (what the
            // script waited for with expect eof).
            return "[0, \"exp0\", 0, 0]"
        default:
            if procs[name] != nil { return procCall(name, arguments, line: line) }
            return unsupported("the command '\(name)' has no counterpart in amiscript")
        }
    }

    /// A call of one of the script's procs (which may have a Tcl command's name: the proc
    /// replaces the command in Tcl).
    func procCall(_ name: String, _ arguments: [TclWord], line: Int) -> String {
        if let params = procs[name] {
                var values = arguments.map { value($0) }
                // Tcl's default values, filled in where the call leaves them out.
                for param in params.dropFirst(values.count) {
                    guard let fallback = param.fallback else { break }
                    values.append(literal(fallback, .any, line: line))
                }
                if values.count != params.count {
                    // A Tcl error when it runs; amiscript refuses the script.
                    note("\(name) takes \(params.count) arguments, given \(arguments.count): the call is left out", at: line)
                    return "\"\""
                }
                if failingProcs.contains(name) {
                    return "\(AmiscriptText.procName(name))(" + values.joined(separator: ", ") + ")" |> { unwrapFailing($0, line: line) }
                }
                return "\(AmiscriptText.procName(name))(" + values.joined(separator: ", ") + ")"
        }
        return "\"\""
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
        case ("first", 3):
            return "\(helper(Helpers.stringFirst.0, Helpers.stringFirst.1))(\(text(0)), \(text(1)), \(listIndex(rest[2])))"
        case ("index", 2): return "substr(\(text(0)), \(listIndex(rest[1])), 1)"
        case ("range", 3):
            let start = listIndex(rest[1])
            guard let end = exclusiveEnd(rest[2]) else { return "substr(\(text(0)), \(start))" }
            if let first = Int(start), let last = Int(end), last >= 0, first >= 0 {
                return "substr(\(text(0)), \(first), \(max(0, last - first)))"
            }
            return "substr(\(text(0)), \(start), \(end) - \(start))"
        case ("equal", 2):
            return nocase ? "(lower(\(text(0))) == lower(\(text(1))))" : "(\(text(0)) == \(text(1)))"
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

    /// `catch {script} ?var?` as a value (0 or 1): an `exec` (failed: a non-zero status),
    /// a `socket` (failed: no connection), a call of a proc that raises `error`.
    private func catchValue(_ arguments: [TclWord], line: Int) -> String {
        guard let first = arguments.first, let script = script(of: first) else { return "0" }
        let commands = script.commands.filter { $0.comment == nil }
        let variable = arguments.count >= 2 ? target(arguments[1]) : nil
        let caught = temporary("caught")
        if commands.count == 1, let name = commands[0].words.first?.literal {
            let words = Array(commands[0].words.dropFirst())
            switch name {
            case "exec" where !words.filter({ $0.literal != "--" }).isEmpty:
                let result = temporary("exec")
                pending.append("set \(result) \(exec(words, line: line))")
                pending.append("set \(caught) 0")
                var failed = "set \(caught) 1"
                if let variable {
                    pending.append("set \(variable.assignable) sub($\(result).stdout, \"\\n$\", \"\")")
                    failed += "; set \(variable.assignable) sub($\(result).stderr, \"\\n$\", \"\")"
                }
                pending.append("if $\(result).status != 0 { \(failed) }")
                return "$" + caught
            case "socket" where words.count == 2:
                // The connection is made here; `spawn -open $sock` then has nothing to do.
                pending.append("set \(caught) 0")
                var failed = "set \(caught) 1"
                if let variable {
                    failed += "; set \(variable.assignable) \"couldn't open socket: connection refused\""
                    socketVariables.insert(arguments[1].literal ?? "")
                }
                pending.append("connect \(value(words[0])) \(value(words[1])) else { \(failed) }")
                return "$" + caught
            case "error" where !words.isEmpty:
                if let variable { pending.append("set \(variable.assignable) \(value(words[0], .text))") }
                return "1"
            case _ where failingProcs.contains(name):
                let result = temporary("result")
                let values = words.map { value($0) }
                pending.append("set \(result) \(AmiscriptText.procName(name))(\(values.joined(separator: ", ")))")
                pending.append("set \(caught) 0")
                pending.append("if $\(result)[0] == \"error\" { set \(caught) 1 }")
                if let variable { pending.append("set \(variable.assignable) $\(result)[1]") }
                return "$" + caught
            default:
                break
            }
        }
        // Anything else runs as it is: amiscript cannot catch a runtime error. Commands
        // that cannot fail here (close, wait…) need no note.
        let harmless: Set<String> = ["close", "exp_close", "wait", "exp_wait", "send", "puts", "send_user", "after", "sleep", "log_user", "set"]
        if !commands.allSatisfy({ harmless.contains($0.words.first?.literal ?? "") }) {
            note("catch: amiscript cannot catch a runtime error; the block runs as it is", at: line)
        }
        flushPending()
        for command in commands { statement(command) }
        if let variable { emit("set \(variable.assignable) \"\"") }
        return "0"
    }

    /// The value of a call of a proc that raises `error`: the proc returns
    /// ["ok", value] or ["error", message]; an error goes on up (out of a failing proc) or
    /// ends the script as Tcl's uncaught error does (the message on stderr, exit 1).
    func unwrapFailing(_ call: String, line: Int) -> String {
        let result = temporary("result")
        pending.append("set \(result) \(call)")
        if inFailingProc {
            pending.append("if $\(result)[0] == \"error\" { return $\(result) }")
        } else {
            pending.append("if $\(result)[0] == \"error\" { send_error join([$\(result)[1], \"\\n\"], \"\"); exit 1 }")
        }
        return "$\(result)[1]"
    }

    /// `exec` arguments as a call of exec() or, with a pipe or redirection, sh().
    func exec(_ arguments: [TclWord], line: Int) -> String {
        let shellWords = ["|", "<", ">", ">>", "2>", "2>@1", "&", ">&", "2>&1", "<<"]
        var words = arguments
        if words.first?.literal == "--" { words.removeFirst() }
        // `<< VALUE`: the value is the program's standard input.
        if let at = words.firstIndex(where: { $0.literal == "<<" }), at + 1 < words.count {
            let input = value(words[at + 1], .text)
            var rest = words
            rest.removeSubrange(at...(at + 1))
            let quote = helper(Helpers.shellQuote.0, Helpers.shellQuote.1)
            let command = rest.map { word -> String in
                if let text = word.literal, shellWords.contains(text) { return AmiscriptText.string(text) }
                return "\(quote)(\(value(word, .text)))"
            }
            return "sh(join([\"printf '%s' \", \(quote)(\(input)), \" | \", join([\(command.joined(separator: ", "))])], \"\"))"
        }
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
