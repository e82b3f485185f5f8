import AMIScriptLanguage

/// `expect`, `expect_before`, `expect_after`, and Tcl's `regexp` / `regsub`.
extension Converter {
    /// One branch of an expect, read from Expect's words.
    struct Branch {
        var pattern: String
        /// `timeout`, `eof`, `default`, or nil for a text pattern.
        var keyword: String?
        var body: TclWord?
    }

    func expect(_ command: TclCommand, _ arguments: [TclWord], keyword: String) {
        var words = arguments
        var timeout: String?
        // Options before the patterns.
        while let option = words.first?.literal, option.hasPrefix("-"), !["-re", "-ex", "-gl", "-nocase", "--"].contains(option) {
            words.removeFirst()
            switch option {
            case "-timeout":
                guard !words.isEmpty else { return untranslated(command, "-timeout without a value") }
                timeout = value(words.removeFirst())
            case "-i":
                return untranslated(command, "\(keyword) -i (another spawn id) has no counterpart")
            case "-nobrace", "-brace":
                break
            default:
                return untranslated(command, "\(keyword) \(option) has no counterpart")
            }
        }
        // One argument that holds a list of patterns and bodies. Expect's rule
        // (exp_one_arg_braced): the only argument, with a line end before its first
        // non-blank character. Otherwise even a braced list is one glob pattern.
        if arguments.count == 1, Self.isPatternList(arguments[0]) {
            guard let list = try? TclParser.parseList(arguments[0].source, firstLine: arguments[0].line) else {
                return untranslated(command, "cannot read the pattern list")
            }
            words = list
        } else if words.count == 1, words[0].form == .braced, words[0].source.contains("\n") {
            note("Expect reads this braced block as one glob pattern (a pattern list must be the only argument, its first line empty); so does the converted script", at: command.line)
        }
        if keyword != "expect", words.isEmpty {
            if keyword == "expect_before" { beforeHandles = [] } else { afterHandles = [] }
            emit(keyword)
            return
        }
        var branches: [Branch] = []
        var index = 0
        while index < words.count {
            var kind = "gl"
            var nocase = false
            var patternWord: TclWord?
            while index < words.count {
                let word = words[index]
                index += 1
                switch word.literal {
                case "-timeout" where index < words.count:
                    // Inside a pattern list, as Expect allows.
                    timeout = value(words[index])
                    index += 1
                    continue
                case "-re": kind = "re"; continue
                case "-ex": kind = "ex"; continue
                case "-gl": kind = "gl"; continue
                case "-nocase": nocase = true; continue
                case "--": patternWord = index < words.count ? words[index] : nil; index += 1
                case "-indices", "-notransfer":
                    note("expect \(word.literal!) has no counterpart", at: word.line)
                    continue
                default: patternWord = word
                }
                break
            }
            guard let patternWord else { break }
            let body = index < words.count ? words[index] : nil
            index += 1
            if kind == "gl", !nocase, let text = patternWord.literal, ["timeout", "eof", "default"].contains(text) {
                branches.append(Branch(pattern: text, keyword: text, body: body))
                continue
            }
            if kind == "gl", let text = patternWord.literal, ["full_buffer", "null"].contains(text) {
                note("the \(text) pattern has no counterpart", at: patternWord.line)
                continue
            }
            branches.append(Branch(pattern: pattern(patternWord, kind: kind, nocase: nocase), keyword: nil, body: body))
        }
        let handles = Set(branches.compactMap(\.keyword))
        switch keyword {
        case "expect_before": beforeHandles = handles
        case "expect_after": afterHandles = handles
        default:
            // Expect returns quietly from a timeout or eof it has no pattern for;
            // amiscript stops with an error, so the converted expect says so.
            let covered = handles.union(beforeHandles).union(afterHandles)
            if !covered.contains("default") {
                if !covered.contains("timeout") { branches.append(Branch(pattern: "timeout", keyword: "timeout", body: nil)) }
                if !covered.contains("eof") { branches.append(Branch(pattern: "eof", keyword: "eof", body: nil)) }
            }
        }
        let head = keyword + (timeout.map { " -timeout \($0)" } ?? "")
        if branches.count == 1, keyword == "expect" || branches[0].body != nil {
            writeBranch(branches[0], prefix: head + " ")
            return
        }
        emit(head + " {")
        depth += 1
        for branch in branches { writeBranch(branch, prefix: "") }
        depth -= 1
        emitNow("}")
    }

    /// Expect's test for a pattern list: a line end before the first non-blank character.
    static func isPatternList(_ word: TclWord) -> Bool {
        guard word.form != .bare else { return false }
        let text = word.form == .braced ? word.source : (word.literal ?? "")
        for scalar in text.unicodeScalars {
            if scalar == "\n" { return true }
            if !(scalar == " " || scalar == "\t" || scalar == "\r") { return false }
        }
        return false
    }

    private func writeBranch(_ branch: Branch, prefix: String) {
        let bodyScript = branch.body.flatMap { script(of: $0) }
        let commands = bodyScript?.commands ?? []
        if commands.isEmpty {
            emit(prefix + branch.pattern)
            return
        }
        emit(prefix + branch.pattern + " {")
        depth += 1
        expectBranches += 1
        block(bodyScript!)
        expectBranches -= 1
        depth -= 1
        emitNow("}")
    }

    /// An expect pattern: a regex literal or a string (exact text).
    private func pattern(_ word: TclWord, kind: String, nocase: Bool) -> String {
        let parts = word.form == .braced ? [TclPart.text(word.literal ?? word.source)] : word.parts
        switch kind {
        case "re":
            return regexLiteral(parts, flags: nocase ? "is" : "s", line: word.line)
        case "ex":
            if nocase { return regexLiteral(parts.map(quotedText), flags: "i", line: word.line) }
            return textPattern(parts, line: word.line)
        default:
            // A glob with no special character is exact text.
            let literalParts = parts.compactMap { part -> String? in if case .text(let text) = part { return text } else { return nil } }
            if !nocase, literalParts.allSatisfy(AmiscriptText.globIsExactText) {
                return textPattern(parts, line: word.line)
            }
            let globbed = parts.map { part -> TclPart in
                if case .text(let text) = part { return .text(AmiscriptText.globRegex(text, anchored: false)) }
                return part
            }
            return regexLiteral(globbed, flags: nocase ? "is" : "s", line: word.line, alreadyPCRE: true)
        }
    }

    /// An exact-text pattern: a string literal or a variable, as expect takes them (a
    /// value built by calls is worked out first).
    private func textPattern(_ parts: [TclPart], line: Int) -> String {
        let text = value(parts: parts, .text, line: line)
        if text.hasPrefix("\"") || (text.hasPrefix("$") && !text.contains("(") && !text.contains(" ")) { return text }
        let held = temporary("pattern")
        pending.append("set \(held) \(text)")
        return "$" + held
    }

    private func quotedText(_ part: TclPart) -> TclPart {
        if case .text(let text) = part { return .text(AmiscriptText.regexQuoted(text)) }
        return part
    }

    /// A regex literal from a pattern's parts: text is regex syntax, a variable inserts its
    /// value as literal text (`${name}`).
    func regexLiteral(_ parts: [TclPart], flags: String, line: Int, alreadyPCRE: Bool = false) -> String {
        var body = ""
        for part in parts {
            switch part {
            case .text(let text):
                body += AmiscriptText.regexBody(alreadyPCRE ? text : AmiscriptText.tclRegex(text))
            case .variable(let name, let index):
                if name == "expect_out" || index != nil {
                    note("a regex pattern holding $\(name)(…) has no counterpart", at: line)
                    continue
                }
                if parts.count == 1 {
                    note("the whole pattern is $\(name): its value is matched as exact text, not as a regex", at: line)
                }
                body += "${\(AmiscriptText.name(name))}"
            case .command:
                note("a regex pattern holding a [command] has no counterpart", at: line)
            }
        }
        // A regex PCRE cannot compile would stop the whole script from parsing; Tcl fails
        // only when the expect runs. The branch is kept, matching nothing, with a note.
        let probe = body.replacingVariables()
        do {
            _ = try Regex(probe, flags: flags)
        } catch let error as Regex.CompileError {
            note("the regex /\(body)/ does not compile (\(error.message)): the branch matches nothing", at: line)
            return "/(*FAIL)/"
        } catch {
            return "/(*FAIL)/"
        }
        return "/" + body + "/" + flags
    }

    /// A Tcl regex as a string value for match()/sub()/gsub(): the pattern's text with
    /// variables' values inserted as regex text (as Tcl does).
    private func regexValue(_ word: TclWord, nocase: Bool, line: Int) -> String {
        let prefix = nocase ? "(?is)" : "(?s)"
        if let text = word.literal {
            return AmiscriptText.string(prefix + AmiscriptText.tclRegex(text))
        }
        return "join([\(AmiscriptText.string(prefix)), \(value(word, .text))], \"\")"
    }

    /// `regexp ?options? RE STRING ?matchVar? ?subVar…?`. As a value: whether it matched
    /// (the match variables are set by statements put first). As a statement: those
    /// statements alone.
    func regexp(_ arguments: [TclWord], line: Int, asValue: Bool) -> String {
        var words = arguments
        var nocase = false
        while let option = words.first?.literal, option.hasPrefix("-"), words.count > 2 {
            words.removeFirst()
            if option == "--" { break }
            if option == "-nocase" { nocase = true } else if option != "-line" {
                note("regexp \(option) has no counterpart", at: line)
            }
        }
        guard words.count >= 2 else {
            note("regexp needs a pattern and a string", at: line)
            return asValue ? "false" : ""
        }
        let call = "match(\(value(words[1], .text)), \(regexValue(words[0], nocase: nocase, line: line)))"
        let targets = words.dropFirst(2).map { $0.literal ?? "" }
        if targets.isEmpty { return asValue ? "(\(call) != nil)" : "" }
        let held = temporary("match")
        pending.append("set \(held) \(call)")
        var assignments: [String] = []
        for (group, target) in targets.enumerated() where target != "->" && !target.isEmpty {
            assignments.append("set \(AmiscriptText.name(target)) $\(held)[\(group)]")
        }
        if !assignments.isEmpty {
            pending.append("if $\(held) != nil { \(assignments.joined(separator: "; ")) }")
        }
        if !asValue { flushPending() }
        return asValue ? "($\(held) != nil)" : ""
    }

    /// `regsub ?-all? ?-nocase? RE STRING SUBSPEC` (without the variable) as sub()/gsub().
    func regsub(_ arguments: [TclWord], line: Int) -> String? {
        var words = arguments
        var all = false
        var nocase = false
        while let option = words.first?.literal, option.hasPrefix("-"), words.count > 3 {
            words.removeFirst()
            if option == "--" { break }
            if option == "-all" { all = true } else if option == "-nocase" { nocase = true } else {
                note("regsub \(option) has no counterpart", at: line)
            }
        }
        guard words.count == 3 else {
            note("regsub needs a pattern, a string and a replacement", at: line)
            return nil
        }
        // Tcl's & is the whole match (\0 to sub()); \& is a plain &.
        let replacement: String
        if let text = words[2].literal {
            var out = ""
            var scalars = Array(text.unicodeScalars)[...]
            while let scalar = scalars.popFirst() {
                if scalar == "\\", let next = scalars.first {
                    scalars.removeFirst()
                    out += next == "&" ? "&" : "\\" + String(next)
                } else if scalar == "&" {
                    out += "\\0"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
            replacement = AmiscriptText.string(out)
        } else {
            replacement = value(words[2], .text)
        }
        return "\(all ? "gsub" : "sub")(\(value(words[1], .text)), \(regexValue(words[0], nocase: nocase, line: line)), \(replacement))"
    }
}

private extension String {
    /// The regex text with each `${name}` (a variable's value, inserted quoted) as `x`,
    /// and `\/` as `/`, to see whether PCRE compiles it.
    func replacingVariables() -> String {
        var out = ""
        var scalars = Array(unicodeScalars)[...]
        while let scalar = scalars.popFirst() {
            if scalar == "\\", scalars.first == "/" {
                out += "/"
                scalars.removeFirst()
            } else if scalar == "\\", let next = scalars.first {
                out.unicodeScalars.append(scalar)
                out.unicodeScalars.append(next)
                scalars.removeFirst()
            } else if scalar == "$", scalars.first == "{", let close = scalars.firstIndex(of: "}") {
                out += "x"
                scalars = scalars[(close + 1)...]
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
