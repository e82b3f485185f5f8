/// Tcl and Expect commands as amiscript statements.
extension Converter {
    func statement(_ command: TclCommand) {
        if let comment = command.comment {
            // Control characters (a form feed…) would end the comment in amiscript.
            emit("#" + Self.oneLine(comment))
            return
        }
        guard let name = command.words.first?.literal else {
            untranslated(command, "a command whose name is computed cannot be translated")
            return
        }
        let arguments = Array(command.words.dropFirst())
        let line = command.line
        if procs[name] != nil, name != "proc" {
            // A call of the script's proc (one named like a Tcl command replaces it). A proc
            // that raises errors is called by the statements put first; a call that could not
            // be written is "" with a note.
            let call = commandValue(command, .any)
            if failingProcs.contains(name) || call == "\"\"" { flushPending() } else { emit(call) }
            return
        }
        switch name {
        case "set":
            assignment(command, arguments)
        case "unset":
            for word in arguments where word.literal != "-nocomplain" {
                guard let target = target(word) else { continue }
                emit(target.key.map { "unset \(target.name)[\($0)]" } ?? "unset \(target.name)")
            }
        case "puts":
            puts(command, arguments)
        case "send_user", "send_error", "send", "exp_send", "send_tty":
            send(command, name: name, arguments)
        case "exit":
            emit(arguments.isEmpty ? "exit" : "exit \(value(arguments[0]))")
        case "log_user":
            guard let setting = arguments.last else { return }
            let on = setting.literal.map { $0 != "0" } ?? true
            if setting.literal == "-info" { return }
            logUser = on
            emit("log_user \(on ? "on" : "off")")
        case "log_file":
            let words = arguments.filter { !($0.literal?.hasPrefix("-") ?? false) }
            emit(words.isEmpty ? "log_file off" : "log_file \(value(words[0], .text))")
        case "sleep" where arguments.count == 1:
            emit("sleep \(value(arguments[0]))")
        case "after" where arguments.count == 1:
            if let text = arguments[0].literal, let milliseconds = Double(text) {
                emit("sleep \(format(milliseconds / 1000))")
            } else {
                emit("sleep (\(value(arguments[0])) / 1000)")
            }
        case "incr":
            guard let first = arguments.first, let target = target(first) else { return untranslated(command, "incr with a computed name") }
            let step = arguments.count > 1 ? value(arguments[1]) : "1"
            emit("set \(target.assignable) (\(target.current(fallback: "0")) + \(step))")
        case "append":
            guard let first = arguments.first, let target = target(first) else { return untranslated(command, "append with a computed name") }
            let pieces = [target.current(fallback: "\"\"")] + arguments.dropFirst().map { value($0, .text) }
            emit("set \(target.assignable) join([\(pieces.joined(separator: ", "))], \"\")")
        case "lappend":
            guard let first = arguments.first, let target = target(first) else { return untranslated(command, "lappend with a computed name") }
            let items = arguments.dropFirst().map { value($0) }
            emit("set \(target.assignable) (\(target.current(fallback: "[]")) + [\(items.joined(separator: ", "))])")
        case "if":
            conditional(command, arguments)
        case "while" where arguments.count == 2:
            loop(condition: arguments[0], body: arguments[1], next: nil)
        case "for" where arguments.count == 4:
            if let start = script(of: arguments[0]) { block(start) }
            loop(condition: arguments[1], body: arguments[3], next: script(of: arguments[2]))
        case "foreach" where arguments.count == 3:
            foreach(arguments, line: line)
        case "proc" where arguments.count == 3:
            procedure(command, arguments)
        case "return" where !inProc:
            untranslated(command, "return outside a proc (amiscript ends a script with exit)")
        case "return":
            let result = arguments.isEmpty ? "\"\"" : value(arguments.last!)
            if inFailingProc {
                emit("return [\"ok\", \(result)]")
            } else {
                emit(arguments.isEmpty ? "return" : "return \(result)")
            }
        case "error" where !arguments.isEmpty:
            let message = value(arguments[0], .text)
            if inFailingProc {
                emit("return [\"error\", \(message)]")
            } else {
                // Tcl prints the message and where it happened; the converted script the message.
                emit("send_error join([\(message), \"\\n\"], \"\")")
                emit("exit 1")
            }
        case "break" where loops == 0, "continue" where loops == 0:
            untranslated(command, "\(name) outside a loop (a runtime error in Tcl, refused by amiscript)")
        case "exp_continue" where expectBranches == 0:
            untranslated(command, "exp_continue outside an expect branch of this block (amiscript allows it only there)")
        case "break":
            emit("break")
        case "continue":
            if let hook = continueHook {
                continueHook = nil
                for next in hook { statement(next) }
                continueHook = hook
            }
            emit("continue")
        case "global":
            for word in arguments { if let name = word.literal { globals.insert(name) } }
        case "spawn":
            spawn(command, arguments)
        case "expect":
            expect(command, arguments, keyword: "expect")
        case "expect_before", "expect_after":
            expect(command, arguments, keyword: name)
        case "exp_continue":
            emit(arguments.first?.literal == "-continue_timer" ? "exp_continue -continue_timer" : "exp_continue")
        case "close", "exp_close":
            emit("close")
        case "wait", "exp_wait", "exp_internal", "package", "stty", "trap":
            // Nothing to do without a spawned process (or a terminal to set up).
            if name == "stty" || name == "trap" {
                untranslated(command, "\(name) has no counterpart in amiscript")
            }
        case "interact":
            if arguments.isEmpty { emit("interact") } else { untranslated(command, "interact with patterns or options has no counterpart (plain interact does)") }
        case "match_max":
            if let size = arguments.last { emit("set match_max \(value(size))") }
        case "regexp":
            let result = regexp(arguments, line: line, asValue: false)
            if !result.isEmpty { emit(result) }
        case "regsub":
            var words = arguments
            var options: [TclWord] = []
            while let option = words.first?.literal, option.hasPrefix("-"), words.count > 3 {
                options.append(words.removeFirst())
                if option == "--" { break }
            }
            // Without a variable, a regsub statement changes nothing.
            if words.count == 4, let target = target(words[3]), let call = regsub(options + words.prefix(3), line: line) {
                emit("set \(target.assignable) \(call)")
            }
        case "exec" where arguments.filter({ $0.literal != "--" }).isEmpty:
            untranslated(command, "exec without a program")
        case "exec":
            emit(exec(arguments, line: line))
        case "catch":
            _ = commandValue(command, .any)
            flushPending()
        case "switch":
            switchStatement(command, arguments)
        default:
            if failingProcs.contains(name) {
                _ = commandValue(command, .any)
                flushPending()
            } else if procs[name] != nil {
                // (A call that could not be written is "" with a note: nothing to run.)
                let call = commandValue(command, .any)
                if call != "\"\"" { emit(call) } else { flushPending() }
            } else {
                untranslated(command, "the command '\(name)' has no counterpart in amiscript")
            }
        }
    }

    private func format(_ number: Double) -> String {
        number == number.rounded() ? String(Int(number)) : String(number)
    }

    /// `set name value`, `set arr(key) value`.
    private func assignment(_ command: TclCommand, _ arguments: [TclWord]) {
        guard arguments.count == 2 else {
            // `set x` alone reads x: nothing to do as a statement.
            if arguments.count != 1 { untranslated(command, "set with \(arguments.count) arguments") }
            return
        }
        guard let target = target(arguments[0]) else { return untranslated(command, "set with a computed variable name") }
        let tclName = arguments[0].literal ?? ""
        if inProc, target.key == nil, globals.contains(tclName) {
            note("\(tclName) is a global set inside a proc: amiscript's set there makes a local", at: command.line)
        }
        let isList = target.key == nil && listVariables.contains(tclName)
        var text = value(arguments[1], isList ? .list : .any)
        if isList, text == "\"\"" { text = "[]" }
        emit("set \(target.assignable) \(text)")
    }

    private func puts(_ command: TclCommand, _ arguments: [TclWord]) {
        var words = arguments
        var newline = true
        if words.first?.literal == "-nonewline" { newline = false; words.removeFirst() }
        var channel = "stdout"
        if words.count == 2, let name = words[0].literal { channel = name; words.removeFirst() }
        guard words.count == 1, channel == "stdout" || channel == "stderr" else {
            return untranslated(command, "puts to a channel other than stdout or stderr")
        }
        let statement = channel == "stderr" ? "send_error" : "send_user"
        let word = words[0]
        var parts = word.form == .braced ? [TclPart.text(word.literal ?? word.source)] : word.parts
        if newline { parts.append(.text("\n")) }
        emit("\(statement) \(value(parts: parts, .text, line: word.line))")
    }

    private func send(_ command: TclCommand, name: String, _ arguments: [TclWord]) {
        var words = arguments
        while let option = words.first?.literal, option.hasPrefix("-"), words.count > 1 {
            words.removeFirst()
            if option == "--" { break }
            if option == "-i" { return untranslated(command, "send -i (another spawn id) has no counterpart") }
            if option == "-s" || option == "-h" {
                note("send \(option) (slow or human-like typing) is sent at once", at: command.line)
            }
        }
        guard words.count == 1 else { return untranslated(command, "\(name) with \(words.count) words") }
        let statement: String
        switch name {
        case "send_user", "send_tty": statement = "send_user"
        case "send_error": statement = "send_error"
        default: statement = "send"
        }
        emit("\(statement) \(value(words[0], .text))")
    }

    private func conditional(_ command: TclCommand, _ arguments: [TclWord]) {
        // The clauses: (test, body) pairs, the last test nil for `else`.
        var clauses: [(test: TclWord?, body: TclWord)] = []
        var index = 0
        var expectingTest = true
        while index < arguments.count {
            if expectingTest {
                let test = arguments[index]
                index += 1
                if index < arguments.count, arguments[index].literal == "then" { index += 1 }
                guard index < arguments.count else { return untranslated(command, "if without a body") }
                clauses.append((test, arguments[index]))
                index += 1
            } else {
                clauses.append((nil, arguments[index]))
                break
            }
            guard index < arguments.count else { break }
            switch arguments[index].literal {
            case "elseif": expectingTest = true; index += 1
            case "else": expectingTest = false; index += 1
            default: expectingTest = false
            }
        }
        guard !clauses.isEmpty else { return untranslated(command, "if without a condition and a body") }
        chain(clauses[...])
    }

    /// An if/elif/else chain. A later test that needs statements first (a `regexp` with
    /// match variables) nests inside `else`, since Tcl runs it only when the earlier ones failed.
    private func chain(_ clauses: ArraySlice<(test: TclWord?, body: TclWord)>) {
        for (offset, clause) in zip(clauses.indices, clauses) {
            if let test = clause.test {
                let text = condition(test)
                if offset == clauses.startIndex {
                    emit("if \(text) {")
                } else if pending.isEmpty {
                    emitNow("} elif \(text) {")
                } else {
                    let before = pending
                    pending = []
                    emitNow("} else {")
                    depth += 1
                    for statement in before { emitNow(statement) }
                    var rest = Array(clauses[offset...])
                    rest[0].test = nil
                    emitNow("if \(text) {")
                    depth += 1
                    if let script = script(of: clause.body) { block(script) }
                    depth -= 1
                    if rest.count > 1 {
                        chainTail(rest.dropFirst())
                    } else {
                        emitNow("}")
                    }
                    depth -= 1
                    emitNow("}")
                    return
                }
            } else {
                emitNow("} else {")
            }
            depth += 1
            if let script = script(of: clause.body) { block(script) }
            depth -= 1
        }
        emitNow("}")
    }

    /// The rest of a chain after a nested `if` opened by `chain` (which closes it).
    private func chainTail(_ clauses: ArraySlice<(test: TclWord?, body: TclWord)>) {
        for (offset, clause) in zip(clauses.indices, clauses) {
            if let test = clause.test {
                let text = condition(test)
                if !pending.isEmpty {
                    let before = pending
                    pending = []
                    emitNow("} else {")
                    depth += 1
                    for statement in before { emitNow(statement) }
                    var rest = Array(clauses[offset...])
                    rest[0].test = test
                    pending = []
                    emitNow("if \(text) {")
                    depth += 1
                    if let script = script(of: clause.body) { block(script) }
                    depth -= 1
                    if rest.count > 1 { chainTail(rest.dropFirst()) } else { emitNow("}") }
                    depth -= 1
                    emitNow("}")
                    return
                }
                emitNow("} elif \(text) {")
            } else {
                emitNow("} else {")
            }
            depth += 1
            if let script = script(of: clause.body) { block(script) }
            depth -= 1
        }
        emitNow("}")
    }

    private func loop(condition conditionWord: TclWord, body bodyWord: TclWord, next: TclScript?) {
        let test = condition(conditionWord)
        let hook = next.map { script in script.commands.filter { $0.comment == nil } }
        if pending.isEmpty {
            emit("while \(test) {")
            depth += 1
        } else {
            // The test needs statements first, each time round.
            let before = pending
            pending = []
            emit("while true {")
            depth += 1
            for statement in before { emitNow(statement) }
            emitNow("if !(\(test)) { break }")
        }
        let outer = continueHook
        continueHook = hook
        loops += 1
        if let script = script(of: bodyWord) { block(script) }
        loops -= 1
        continueHook = outer
        if let hook { for command in hook { statement(command) } }
        depth -= 1
        emitNow("}")
    }

    private func foreach(_ arguments: [TclWord], line: Int) {
        let list = value(arguments[1], .list)
        let outer = continueHook
        continueHook = nil
        defer { continueHook = outer }
        if let variable = arguments[0].literal, !variable.contains(" ") {
            emit("for \(AmiscriptText.name(variable)) in \(list) {")
        } else {
            // foreach {a b} $list: several items a turn.
            let names = (arguments[0].literal.flatMap { try? TclParser.parseList($0) } ?? []).compactMap(\.literal)
            let items = temporary("items"), at = temporary("at")
            emit("set \(items) \(list)")
            emit("set \(at) 0")
            emit("while $\(at) < len($\(items)) {")
            depth += 1
            for (offset, name) in names.enumerated() {
                emit("set \(AmiscriptText.name(name)) get($\(items), $\(at) + \(offset), \"\")")
            }
            emit("set \(at) ($\(at) + \(names.count))")
            depth -= 1
        }
        depth += 1
        loops += 1
        if let script = script(of: arguments[2]) { block(script) }
        loops -= 1
        depth -= 1
        emitNow("}")
    }

    private func procedure(_ command: TclCommand, _ arguments: [TclWord]) {
        guard let name = arguments[0].literal else { return untranslated(command, "proc with a computed name") }
        guard depth == 0, !inProc else { return untranslated(command, "a proc defined inside a block (amiscript's procs are defined at the top level)") }
        guard procs[name] != nil else { return untranslated(command, "a proc whose parameters are computed") }
        guard writtenProcs.insert(name).inserted else { return untranslated(command, "proc \(name) defined again (amiscript keeps one definition)") }
        // A default value is filled in at each call that leaves it out.
        let params = procs[name] ?? []
        if params.last?.name == "args" { note("proc \(name): a variable number of arguments (args) has no counterpart", at: command.line) }
        // Names made of other characters may meet after the change (`a-b`, `a_b`).
        var names: [String] = []
        for param in params {
            var candidate = AmiscriptText.name(param.name)
            while names.contains(candidate) { candidate += "_" }
            names.append(candidate)
        }
        let wasInProc = inProc, outerGlobals = globals, wasFailing = inFailingProc
        let outerLoops = loops, outerBranches = expectBranches
        loops = 0
        expectBranches = 0
        defer { loops = outerLoops; expectBranches = outerBranches }
        inProc = true
        inFailingProc = failingProcs.contains(name)
        globals = []
        emit("proc \(AmiscriptText.procName(name))(\(names.joined(separator: ", "))) {")
        depth += 1
        if let script = script(of: arguments[2]) { block(script) }
        if inFailingProc { emit("return [\"ok\", \"\"]") }
        depth -= 1
        emitNow("}")
        inProc = wasInProc
        inFailingProc = wasFailing
        globals = outerGlobals
    }

    private func spawn(_ command: TclCommand, _ arguments: [TclWord]) {
        var words = arguments.filter { !["-noecho", "-nottycopy", "-nottyinit", "-console", "-ignore"].contains($0.literal ?? "") }
        if words.first?.literal == "-open", words.count == 2, case .variable(let name, nil)? = words[1].parts.first,
           socketVariables.contains(name) {
            // The connection was made where the socket was opened (catch {socket …}).
            spawned = true
            return
        }
        if words.first?.literal == "-open", words.count == 2,
           case .command(let script)? = words[1].parts.first, let socket = script.commands.first,
           socket.words.first?.literal == "socket", socket.words.count == 3 {
            words = [socket.words[1], socket.words[2]]
        } else if words.first?.literal == "telnet", words.count == 3 {
            words = [words[1], words[2]]
        } else if words.first?.literal == "telnet", words.count == 2 {
            note("telnet without a port connects to 23; amiscript connects to 5038", at: command.line)
            words = [words[1]]
        } else {
            return untranslated(command, "spawn of anything but telnet HOST PORT or -open [socket HOST PORT] has no counterpart")
        }
        if logUser {
            note("log_user is on at spawn: Expect also shows what telnet prints (Trying…, Connected to…) and the terminal's CR CR LF line ends, which the converted script does not", at: command.line)
        }
        spawned = true
        // telnet itself starts whatever happens; a failed connection is an eof to the
        // next expect, as it is for the Expect script.
        emit("connect \(words.map { value($0) }.joined(separator: " ")) else { }")
    }

    /// `switch ?options? value {pattern body …}` as an if/elif chain.
    private func switchStatement(_ command: TclCommand, _ arguments: [TclWord]) {
        var words = arguments
        var mode = "exact"
        while let option = words.first?.literal, option.hasPrefix("-") {
            words.removeFirst()
            if option == "--" { break }
            if ["-exact", "-glob", "-regexp"].contains(option) { mode = String(option.dropFirst()) }
        }
        guard !words.isEmpty else { return untranslated(command, "switch without a value") }
        let subject = value(words.removeFirst(), .text)
        var pairs = words
        if pairs.count == 1, let list = try? TclParser.parseList(pairs[0].source, firstLine: pairs[0].line) { pairs = list }
        guard pairs.count % 2 == 0 else { return untranslated(command, "switch with an odd number of words") }
        let held = temporary("switch")
        emit("set \(held) \(subject)")
        var first = true
        var index = 0
        while index < pairs.count {
            var patterns = [pairs[index]]
            // `a - b {body}`: a falls through to b.
            while pairs[index + 1].literal == "-", index + 2 < pairs.count {
                index += 2
                patterns.append(pairs[index])
            }
            let bodyWord = pairs[index + 1]
            index += 2
            if patterns.count == 1, patterns[0].literal == "default" {
                lines.append(String(repeating: "    ", count: depth) + (first ? "if true {" : "} else {"))
            } else {
                let tests = patterns.map { pattern -> String in
                    let text = pattern.literal ?? pattern.source
                    switch mode {
                    case "glob": return "match($\(held), \(AmiscriptText.string("(?s)" + AmiscriptText.globRegex(text, anchored: true)))) != nil"
                    case "regexp": return "match($\(held), \(AmiscriptText.string("(?s)" + AmiscriptText.tclRegex(text)))) != nil"
                    default: return "$\(held) == \(AmiscriptText.string(text))"
                    }
                }.joined(separator: " || ")
                if first { emit("if \(tests) {") } else { lines.append(String(repeating: "    ", count: depth) + "} elif \(tests) {") }
            }
            first = false
            depth += 1
            if let script = script(of: bodyWord) { block(script) }
            depth -= 1
        }
        emitNow("}")
    }
}
