import AMIProtocol

/// Builds the syntax tree. On an error it records a diagnostic, skips the rest of the
/// statement (and any block it opened) and goes on, so one run reports every error it
/// can find (panic-mode recovery).
public struct Parser {
    private var lexer: Lexer
    private var cached: (token: Token, regex: Bool, before: Int, nesting: Int)?
    private var diagnostics: [Diagnostic] = []
    private var loopDepth = 0
    /// Levels of blocks and expressions open now (see `maxNesting`).
    private var depth = 0
    /// Binary operators in the statement being parsed (see `maxOperators`).
    private var operatorsInStatement = 0
    private var procDepth = 0
    private var expectBranchDepth = 0
    /// The first statement is an action written without its keyword (the REPL's shorthand).
    private var startsWithActionShorthand = false
    /// The last token looked at was the end of the input.
    private var lastPeekWasEnd = false
    /// An error came from running out of input (an open block, bracket, operand...):
    /// in the REPL, the input goes on on the next line.
    private var ranOutOfInput = false

    /// Parses a whole script: the tree, and every error found (empty when it parses).
    public static func parse(_ source: SourceFile) -> (script: Script, diagnostics: [Diagnostic]) {
        var parser = Parser(lexer: Lexer(source: source))
        let statements = parser.statements(topLevel: true)
        return (Script(source: source, statements: statements), parser.diagnostics)
    }

    /// Parses typed input. `isIncomplete`: it failed only for want of more input (a block,
    /// bracket or expression left open), so the REPL asks for the next line instead of
    /// reporting the errors.
    public static func parseInteractive(_ source: SourceFile, actionShorthand: Bool = false)
        -> (script: Script, diagnostics: [Diagnostic], isIncomplete: Bool) {
        var parser = Parser(lexer: Lexer(source: source))
        parser.startsWithActionShorthand = actionShorthand
        let statements = parser.statements(topLevel: true)
        return (Script(source: source, statements: statements), parser.diagnostics,
                parser.ranOutOfInput || parser.lexer.endsInContinuation)
    }

    /// The REPL's shorthand, `MailboxCount Mailbox=123@default`: an `action` statement
    /// without its keyword, parsed from the text as typed (so a caret points into it), with
    /// an empty `else` unless one is written: an error response is shown, not raised.
    public static func parseActionShorthand(_ source: SourceFile) -> (script: Script, diagnostics: [Diagnostic]) {
        var parser = Parser(lexer: Lexer(source: source))
        parser.startsWithActionShorthand = true
        let statements = parser.statements(topLevel: true)
        return (Script(source: source, statements: statements), parser.diagnostics)
    }

    private init(lexer: Lexer) {
        self.lexer = lexer
    }

    // MARK: Tokens

    private mutating func peek(regex: Bool = false) throws(Diagnostic) -> Token {
        if let cached {
            if cached.regex == regex || !startsWithSlash(cached.token) { return cached.token }
            lexer.rewind(to: cached.before, nesting: cached.nesting)
            self.cached = nil
        }
        let before = lexer.position
        let nesting = lexer.currentNesting
        let token = try lexer.next(regexAllowed: regex)
        cached = (token, regex, before, nesting)
        if case .end = token.kind { lastPeekWasEnd = true } else { lastPeekWasEnd = false }
        return token
    }

    private func startsWithSlash(_ token: Token) -> Bool {
        if case .regex = token.kind { return true }
        return token.symbol == "/"
    }

    @discardableResult
    private mutating func advance(regex: Bool = false) throws(Diagnostic) -> Token {
        let token = try peek(regex: regex)
        cached = nil
        return token
    }

    /// Drops a peeked token so the lexer can scan raw text from its start.
    private mutating func uncache() {
        if let cached {
            lexer.rewind(to: cached.before, nesting: cached.nesting)
            self.cached = nil
        }
    }

    private func location(_ token: Token) -> SourceLocation { lexer.location(token.offset) }
    private func location(offset: Int) -> SourceLocation { lexer.location(offset) }

    /// Skips line ends; true when there was one.
    @discardableResult
    private mutating func skipNewlines() throws(Diagnostic) -> Bool {
        var skipped = false
        while case .newline = try peek().kind {
            try advance()
            skipped = true
        }
        return skipped
    }

    private mutating func isAtStatementEnd() throws(Diagnostic) -> Bool {
        switch try peek().kind {
        case .newline, .end: return true
        case .symbol("}"): return true
        default: return false
        }
    }

    private mutating func expectSymbol(_ symbol: String, _ context: String) throws(Diagnostic) -> Token {
        let token = try peek()
        guard token.symbol == symbol else {
            throw Diagnostic(location(token), "expected '\(symbol)' \(context), found \(describe(token))")
        }
        return try advance()
    }

    private func describe(_ token: Token) -> String {
        switch token.kind {
        case .identifier(let name): return "'\(name)'"
        case .number(_, let text): return "'\(text)'"
        case .word(let text): return "'\(text)'"
        case .string: return "a string"
        case .regex: return "a regex"
        case .variable(let name): return "'$\(name)'"
        case .bracedVariable(let path): return "'${\(path.display)}'"
        case .symbol(let symbol): return "'\(symbol)'"
        case .newline: return "the end of the line"
        case .end: return "the end of the script"
        }
    }

    // MARK: Statements

    /// Errors reported before the parser stops: past them a broken file (`}}}}…`, a binary
    /// file given as a script) is not read on, so a run stays short and its report readable.
    static let maxDiagnostics = 100

    private mutating func statements(topLevel: Bool) -> [Statement] {
        var result: [Statement] = []
        while diagnostics.count < Self.maxDiagnostics {
            do {
                try skipNewlines()
                let token = try peek()
                if case .end = token.kind { break }
                if token.symbol == "}" {
                    if !topLevel { break }
                    try advance()
                    throw Diagnostic(location(token), "'}' without a matching '{'")
                }
                let start = lexer.position
                do {
                    result.append(try statement())
                    let end = try peek()
                    switch end.kind {
                    case .newline: try advance()
                    case .end: break
                    case .symbol("}") where !topLevel: break
                    case .symbol("}"):
                        // The statement is whole; the brace alone is wrong. The loop
                        // reports it at the top on its next turn.
                        break
                    default:
                        throw Diagnostic(location(end), "expected the end of the statement, found \(describe(end))")
                    }
                } catch let error as Diagnostic {
                    if lastPeekWasEnd, lexer.currentNesting > 0 { ranOutOfInput = true }
                    diagnostics.append(error)
                    recover(from: start)
                }
            } catch let error as Diagnostic {
                if lastPeekWasEnd, lexer.currentNesting > 0 { ranOutOfInput = true }
                diagnostics.append(error)
                recover(from: lexer.position)
            } catch {
                break
            }
        }
        if topLevel, diagnostics.count >= Self.maxDiagnostics, let last = diagnostics.last {
            diagnostics.append(Diagnostic(last.location, "too many errors (\(Self.maxDiagnostics)); stopping here"))
        }
        return result
    }

    /// Skips the rest of the statement that failed (its line, and the block it opened).
    private mutating func recover(from start: Int) {
        cached = nil
        lexer.rewind(to: start, nesting: 0)
        lexer.skipStatement()
    }

    private mutating func block(_ context: String) throws(Diagnostic) -> [Statement] {
        let open = try peek()
        guard open.symbol == "{" else {
            throw Diagnostic(location(open), "expected '{' to start \(context), found \(describe(open))")
        }
        try enterNesting()
        defer { depth -= 1 }
        try advance()
        let body = statements(topLevel: false)
        let close = try peek()
        guard close.symbol == "}" else {
            if case .end = close.kind { ranOutOfInput = true }
            throw Diagnostic(location(open), "'{' of \(context) is never closed")
        }
        try advance()
        return body
    }

    private mutating func optionalElse() throws(Diagnostic) -> [Statement]? {
        guard try peek().identifier == "else" else { return nil }
        try advance()
        return try block("the else block")
    }

    private mutating func statement() throws(Diagnostic) -> Statement {
        operatorsInStatement = 0
        let token = try peek()
        let at = location(token)
        if startsWithActionShorthand {
            startsWithActionShorthand = false
            guard case .action(let name, let headers, let orElse, let location) = try actionStatement(at) else {
                throw Diagnostic(at, "expected an action")
            }
            return .action(name: name, headers: headers, orElse: orElse ?? [], location)
        }
        guard case .identifier(let keyword) = token.kind else {
            if case .variable(let name) = token.kind {
                throw Diagnostic(at, "a statement cannot start with '$\(name)' (to assign, write 'set \(name) VALUE')")
            }
            throw Diagnostic(at, "expected a statement, found \(describe(token))")
        }
        try advance()
        switch keyword {
        case "set":
            let variable = try variableName(after: keyword)
            let path = try pathSteps()
            if try isAtStatementEnd() {
                throw Diagnostic(location(try peek()), "'set \(variable)' wants a value")
            }
            return .set(name: variable, path: path, value: try expression(), at)
        case "unset":
            let variable = try variableName(after: keyword)
            return .unset(name: variable, path: try pathSteps(), at)
        case "print":
            var values: [Expression] = []
            while !(try isAtStatementEnd()) { values.append(try expression()) }
            return .print(values, at)
        case "send_user", "send_error":
            if try isAtStatementEnd() { throw Diagnostic(location(try peek()), "'\(keyword)' wants the text to write") }
            let value = try expression()
            return keyword == "send_user" ? .sendUser(value, at) : .sendError(value, at)
        case "connect":
            let host = try argument(stopWords: ["tls", "retry", "else"])
            let port = host == nil ? nil : try argument(stopWords: ["tls", "retry", "else"])
            var tls = false
            if try peek().identifier == "tls" { try advance(); tls = true }
            var retry: Expression?
            if try peek().identifier == "retry" {
                let word = try advance()
                retry = try argument(stopWords: ["else"])
                if retry == nil { throw Diagnostic(location(word), "'retry' wants how many more times to try (retry 5)") }
            }
            return .connect(host: host, port: port, tls: tls, retry: retry, orElse: try optionalElse(), at)
        case "reconnect":
            return .reconnect(orElse: try optionalElse(), at)
        case "send":
            var raw = false
            let dash = try peek()
            if dash.symbol == "-" {
                try advance()
                guard try advance().identifier == "raw" else {
                    throw Diagnostic(location(dash), "'send' knows one option, -raw")
                }
                raw = true
            }
            if try isAtStatementEnd() { throw Diagnostic(location(try peek()), "'send' wants the text to send") }
            return .send(try expression(), raw: raw, at)
        case "expect":
            let timeout = try expectTimeoutOption()
            return .expect(timeout: timeout, branches: try expectBranches(allowEmpty: false, at: at), at)
        case "expect_before", "expect_after":
            let branches = try isAtStatementEnd() ? [] : try expectBranches(allowEmpty: true, at: at)
            return keyword == "expect_before" ? .expectBefore(branches, at) : .expectAfter(branches, at)
        case "exp_continue":
            guard expectBranchDepth > 0 else { throw Diagnostic(at, "'exp_continue' is only allowed inside an expect branch") }
            let dash = try peek()
            guard dash.symbol == "-" else { return .expContinue(continueTimer: false, at) }
            try advance()
            guard try advance().identifier == "continue_timer" else {
                throw Diagnostic(location(dash), "'exp_continue' knows one option, -continue_timer")
            }
            return .expContinue(continueTimer: true, at)
        case "login":
            let user = try argument(stopWords: ["md5", "events", "else"])
            let secret = user == nil ? nil : try argument(stopWords: ["md5", "events", "else"])
            var md5 = false
            var events: String?
            while true {
                let next = try peek()
                if next.identifier == "md5" {
                    try advance(); md5 = true
                } else if next.identifier == "events" {
                    try advance()
                    events = try eventMask()
                } else {
                    break
                }
            }
            return .login(user: user, secret: secret, md5: md5, events: events, orElse: try optionalElse(), at)
        case "action":
            return try actionStatement(at)
        case "command":
            if try isAtStatementEnd() { throw Diagnostic(location(try peek()), "'command' wants the CLI command to run") }
            let text = try expression()
            return .command(text, orElse: try optionalElse(), at)
        case "close":
            return .close(at)
        case "if":
            var branches = [(condition: try condition("if"), body: try block("the if block"))]
            var orElse: [Statement]?
            while true {
                let saved = savePoint()
                try skipNewlines()
                let next = try peek()
                if next.identifier == "elif" {
                    try advance()
                    branches.append((try condition("elif"), try block("the elif block")))
                } else if next.identifier == "else" {
                    try advance()
                    orElse = try block("the else block")
                    break
                } else {
                    restore(saved)
                    break
                }
            }
            return .ifChain(branches, orElse: orElse, at)
        case "while":
            let condition = try condition("while")
            loopDepth += 1
            defer { loopDepth -= 1 }
            return .whileLoop(condition, try block("the while block"), at)
        case "for":
            var name = try advance()
            guard case .identifier(var variable) = name.kind else {
                throw Diagnostic(location(name), "'for' wants a variable name, found \(describe(name))")
            }
            var key: String?
            if try peek().symbol == "," {
                try advance()
                name = try advance()
                guard case .identifier(let second) = name.kind, second != "in" else {
                    throw Diagnostic(location(name), "'for \(variable),' wants a second variable name, found \(describe(name))")
                }
                key = variable
                variable = second
            }
            guard try advance().identifier == "in" else {
                throw Diagnostic(location(name), "expected 'in' after 'for \(key.map { "\($0), " } ?? "")\(variable)'")
            }
            let sequence = try expression()
            loopDepth += 1
            defer { loopDepth -= 1 }
            return .forLoop(key: key, name: variable, sequence: sequence, body: try block("the for block"), at)
        case "break", "continue":
            guard loopDepth > 0 else { throw Diagnostic(at, "'\(keyword)' outside a loop") }
            return keyword == "break" ? .breakLoop(at) : .continueLoop(at)
        case "proc":
            return try procStatement(at)
        case "return":
            guard procDepth > 0 else { throw Diagnostic(at, "'return' outside a proc (use 'exit' to end the script)") }
            return .returnValue(try isAtStatementEnd() ? nil : try expression(), at)
        case "sleep":
            if try isAtStatementEnd() { throw Diagnostic(location(try peek()), "'sleep' wants a number of seconds") }
            return .sleep(try expression(), at)
        case "exit":
            return .exit(try isAtStatementEnd() ? nil : try expression(), at)
        case "on", "off":
            let word = try advance()
            guard word.identifier == "event" else {
                throw Diagnostic(location(word), "'\(keyword)' is followed by 'event' (\(keyword) event NAME\(keyword == "on" ? " { ... }" : ""))")
            }
            if keyword == "off" {
                return .offEvent(try isAtStatementEnd() ? nil : try eventMatcher(location(word)), at)
            }
            let matcher = try eventMatcher(location(word))
            let condition = try eventCondition()
            // A handler runs on its own: no loop or expect branch of the place it is written in.
            let saved = (loopDepth, expectBranchDepth)
            (loopDepth, expectBranchDepth) = (0, 0)
            defer { (loopDepth, expectBranchDepth) = saved }
            return .onEvent(matcher, condition: condition, body: try block("the event handler"), at)
        case "interact":
            return .interact(at)
        case "log_user":
            return .logUser(try onOff("log_user"), at)
        case "log_file":
            if try peek().identifier == "off" { try advance(); return .logFile(nil, at) }
            guard let path = try argument(stopWords: []) else {
                throw Diagnostic(location(try peek()), "'log_file' wants a file name or 'off'")
            }
            return .logFile(path, at)
        default:
            uncache()
            if lexer.peekSignificant() == ":" {
                throw Diagnostic(at, "'\(keyword):' looks like a raw AMI header: send it with send \"\(keyword): ...\\n\\n\" or use 'action'")
            }
            if try peek().symbol == "(" {
                return .expression(try callRest(keyword, at), at)
            }
            var message = "unknown statement '\(keyword)'"
            if let hint = Suggestions.didYouMean(keyword, in: Self.statementNames) { message += ": \(hint)" }
            throw Diagnostic(at, message)
        }
    }

    /// The variable that `set` or `unset` names (written without its `$`).
    private mutating func variableName(after keyword: String) throws(Diagnostic) -> String {
        let name = try peek()
        guard case .identifier(let variable) = name.kind else {
            if case .variable(let written) = name.kind {
                throw Diagnostic(location(name), "write '\(keyword) \(written)', without the '$'")
            }
            throw Diagnostic(location(name), "'\(keyword)' wants a variable name, found \(describe(name))")
        }
        try advance()
        return variable
    }

    /// What follows `event`: a name, `*` or a regex literal.
    private mutating func eventMatcher(_ at: SourceLocation) throws(Diagnostic) -> EventMatcher {
        let next = try peek(regex: true)
        if next.symbol == "*" {
            try advance()
            return .any
        }
        if case .regex(let literal) = next.kind {
            try advance(regex: true)
            try validate(literal, at: location(next))
            return .regex(literal)
        }
        uncache()
        guard let name = lexer.bareWord(), name.text.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
            throw Diagnostic(at, "'event' wants an event name, * or a /regex/ (event Hangup)")
        }
        return .name(name.text)
    }

    /// `where EXPR`, if it comes, with its source text.
    private mutating func eventCondition() throws(Diagnostic) -> EventCondition? {
        guard try peek().identifier == "where" else { return nil }
        try advance()
        let start = try peek().offset
        let expression = try expression()
        let end = try peek().offset
        let text = String(lexer.source.characters[start..<max(start, end)])
        return EventCondition(expression: expression, text: VisibleText.trimming(text, " \t\r\n"))
    }

    /// The condition of `if`, `elif`, `while`: a '{' right away is the block, not a map.
    private mutating func condition(_ keyword: String) throws(Diagnostic) -> Expression {
        let next = try peek()
        if next.symbol == "{" { throw Diagnostic(location(next), "'\(keyword)' wants a condition before its '{'") }
        return try expression()
    }

    /// `.Field` and `[KEY]` steps written right after a variable name (no blank before
    /// them: `set x [1]` sets x to a list).
    private mutating func pathSteps() throws(Diagnostic) -> [PathStep] {
        var steps: [PathStep] = []
        while true {
            let token = try peek()
            guard !token.spaceBefore else { return steps }
            if token.symbol == "." {
                try advance()
                let field = try advance()
                switch field.kind {
                case .identifier(let name), .word(let name), .number(_, let name):
                    steps.append(.field(name, location(token)))
                default:
                    throw Diagnostic(location(field), "a '.' must be followed by a field name")
                }
            } else if token.symbol == "[" {
                try advance()
                // `set counts[Hangup] 1`: a bare name alone is the key's text, as after '.'.
                let saved = savePoint()
                let word = try advance()
                if case .identifier(let name) = word.kind, !["true", "false", "nil"].contains(name), try peek().symbol == "]" {
                    try advance()
                    steps.append(.index(.literal(.string(name), location(word)), location(token)))
                    continue
                }
                restore(saved)
                let key = try expression()
                _ = try expectSymbol("]", "to close the index")
                steps.append(.index(key, location(token)))
            } else {
                return steps
            }
        }
    }

    private struct SavePoint {
        var position: Int
        var nesting: Int
        var cached: (token: Token, regex: Bool, before: Int, nesting: Int)?
    }

    private func savePoint() -> SavePoint {
        SavePoint(position: lexer.position, nesting: lexer.currentNesting, cached: cached)
    }

    private mutating func restore(_ point: SavePoint) {
        lexer.rewind(to: point.position, nesting: point.nesting)
        cached = point.cached
    }

    /// `events on`, `events off`, or a mask of event classes, bare or quoted
    /// (`events call,user`): what the Login's `Events:` header says.
    private mutating func eventMask() throws(Diagnostic) -> String {
        let next = try peek()
        let at = location(next)
        let mask: String
        if case .string(let literal) = next.kind, literal.isPlainText {
            try advance()
            mask = literal.plainText
        } else {
            uncache()
            mask = lexer.bareWord()?.text ?? ""
        }
        switch mask.lowercased() {
        case "on", "true", "1": return "on"
        case "off", "false", "0": return "off"
        default: break
        }
        guard !mask.isEmpty else {
            throw Diagnostic(at, "'events' wants on, off or event classes separated by commas (events call,user), found \(describe(next))")
        }
        // A number is a mask as Asterisk reads it; else every word must be a class.
        if mask.allSatisfy({ $0.isASCII && $0.isNumber }) { return mask }
        let known = AMIEventClass.names + ["all"]
        for word in mask.split(separator: ",", omittingEmptySubsequences: false) {
            let name = String(word).lowercased()
            guard known.contains(name) else {
                var message = "'\(word)' is not an event class (events on, off, or classes such as call,user)"
                if let hint = Suggestions.didYouMean(name, in: known) { message += ": \(hint)" }
                throw Diagnostic(at, message)
            }
        }
        return mask
    }

    private mutating func onOff(_ context: String) throws(Diagnostic) -> Bool {
        let token = try advance()
        switch token.kind {
        case .identifier("on"), .identifier("true"), .number(1, _): return true
        case .identifier("off"), .identifier("false"), .number(0, _): return false
        default: throw Diagnostic(location(token), "'\(context)' wants on or off, found \(describe(token))")
        }
    }

    /// A statement argument: an expression when it starts like one (`$x`, `"..."`, `(`),
    /// else a bare word (`localhost`, `127.0.0.1`, `admin`). Nil at the end of the
    /// statement or at one of `stopWords`.
    private mutating func argument(stopWords: Set<String>) throws(Diagnostic) -> Expression? {
        if try isAtStatementEnd() { return nil }
        let token = try peek()
        if token.symbol == "{" { return nil }
        if let name = token.identifier, stopWords.contains(name) { return nil }
        switch token.kind {
        case .variable, .bracedVariable, .string, .symbol("("), .symbol("["):
            return try postfix()
        case .identifier:
            // `env("AMI_SECRET")`: a call, not a bare word.
            let saved = savePoint()
            try advance()
            let next = try peek()
            restore(saved)
            if next.symbol == "(", !next.spaceBefore { return try postfix() }
        default:
            break
        }
        uncache()
        guard let word = lexer.bareWord() else { return try postfix() }
        return .literal(.string(word.text), location(offset: word.offset))
    }

    private mutating func expectTimeoutOption() throws(Diagnostic) -> Expression? {
        let dash = try peek()
        guard dash.symbol == "-" else { return nil }
        try advance()
        let name = try advance()
        if let option = name.identifier, ["re", "ex", "gl"].contains(option) {
            throw Diagnostic(location(dash), "Tcl's '-\(option) \"...\"' is written /.../ here (or \"...\" for exact text)")
        }
        guard name.identifier == "timeout" else {
            throw Diagnostic(location(dash), "'expect' knows one option, -timeout SECONDS")
        }
        return try unary()
    }

    private mutating func expectBranches(allowEmpty: Bool, at: SourceLocation) throws(Diagnostic) -> [ExpectBranch] {
        let token = try peek(regex: true)
        if token.symbol == "{" {
            try advance()
            var branches: [ExpectBranch] = []
            while true {
                try skipNewlines()
                let next = try peek(regex: true)
                if next.symbol == "}" { try advance(); break }
                if case .end = next.kind {
                    ranOutOfInput = true
                    throw Diagnostic(location(token), "'{' of the expect branches is never closed")
                }
                let branch = try expectBranch()
                branches.append(branch)
                let end = try peek(regex: true)
                if case .newline = end.kind {
                    try advance()
                } else if end.symbol != "}", branch.body == nil {
                    // After a branch with a block, the next may follow on the same line
                    // (Tcl's `expect { "Pong" { ... } timeout { ... } }`).
                    throw Diagnostic(location(end), "expected a new line after an expect branch, found \(describe(end))")
                }
            }
            if branches.isEmpty, !allowEmpty { throw Diagnostic(at, "'expect' has no pattern") }
            return branches
        }
        if try isAtStatementEnd() {
            if allowEmpty { return [] }
            throw Diagnostic(location(token), "'expect' wants a pattern: /regex/, \"text\", event NAME, timeout or eof")
        }
        return [try expectBranch()]
    }

    private mutating func expectBranch() throws(Diagnostic) -> ExpectBranch {
        let token = try peek(regex: true)
        let at = location(token)
        let pattern: ExpectBranch.Pattern
        switch token.kind {
        case .regex(let literal):
            try advance(regex: true)
            try validate(literal, at: at)
            pattern = .regex(literal)
        case .string, .variable, .bracedVariable:
            pattern = .text(try postfix())
        case .identifier("timeout"):
            try advance(); pattern = .timeout
        case .identifier("eof"):
            try advance(); pattern = .eof
        case .identifier("default"):
            try advance(); pattern = .defaultCase
        case .identifier("event"):
            try advance()
            let matcher = try eventMatcher(at)
            pattern = .event(matcher, condition: try eventCondition()?.expression)
        case .symbol("-"):
            throw Diagnostic(at, "Tcl's '-re \"...\"' is written /.../ here")
        default:
            throw Diagnostic(at, "expected a pattern (/regex/, \"text\", event NAME, timeout, eof or default), found \(describe(token))")
        }
        var body: [Statement]?
        if try peek().symbol == "{" {
            expectBranchDepth += 1
            defer { expectBranchDepth -= 1 }
            body = try block("the expect branch")
        }
        return ExpectBranch(pattern: pattern, body: body, location: at)
    }

    /// Compiles a regex literal's fixed parts now, so a bad pattern is a parse error.
    private func validate(_ literal: RegexLiteral, at: SourceLocation) throws(Diagnostic) {
        let probe = literal.parts.map { part -> String in
            switch part {
            case .pattern(let text): return text
            case .variable: return "x"
            }
        }.joined()
        do {
            _ = try Regex(probe, flags: literal.flags)
        } catch let error as Regex.CompileError {
            throw Diagnostic(at, "bad regex \(literal.display): \(error.message) at offset \(error.offset)")
        } catch {
            throw Diagnostic(at, "bad regex \(literal.display)")
        }
    }

    private mutating func actionStatement(_ at: SourceLocation) throws(Diagnostic) -> Statement {
        guard let name = try argument(stopWords: ["else"]) else {
            throw Diagnostic(location(try peek()), "'action' wants an action name (action Ping)")
        }
        var headers: [ActionHeader] = []
        while true {
            if try isAtStatementEnd() { break }
            let next = try peek()
            if next.identifier == "else" || next.symbol == "{" { break }
            uncache()
            guard let word = lexer.bareWord() else {
                throw Diagnostic(location(next), "expected a header as Name=VALUE, found \(describe(next))")
            }
            let wordAt = location(offset: word.offset)
            guard let equals = word.text.firstIndex(of: "="), equals != word.text.startIndex else {
                var message = "expected a header as Name=VALUE, found '\(word.text)'"
                if let last = headers.last, !word.text.contains("=") {
                    message += ": a value with blanks is quoted (\(last.name)=\"... \(word.text)\")"
                }
                throw Diagnostic(wordAt, message)
            }
            let headerName = String(word.text[..<equals])
            guard headerName.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
                throw Diagnostic(wordAt, "'\(headerName)' is not a header name")
            }
            let valueOffset = word.offset + word.text.distance(from: word.text.startIndex, to: equals) + 1
            let rawValue = String(word.text[word.text.index(after: equals)...])
            let valueAt = location(offset: valueOffset)
            let value: Expression
            if rawValue.first == "$" {
                // `$name`, `$r.Field`, `$argv[0]`, `${name}`: the longest variable path;
                // anything glued after it is a mix that needs quotes.
                let (path, used) = Self.leadingVariablePath(rawValue)
                guard let path, let parsed = try? Lexer.parsePath(path, at: valueAt) else {
                    throw Diagnostic(valueAt, "'\(rawValue)' is not a variable; quote the value: \(headerName)=\"\(rawValue)\"")
                }
                if used < rawValue.count {
                    throw Diagnostic(valueAt, "header value '\(rawValue)' mixes a variable with text; quote the whole value: \(headerName)=\"\(rawValue)\"")
                }
                value = .variable(parsed, valueAt)
            } else if let first = rawValue.first, first == "\"" || first == "'" {
                lexer.rewind(to: valueOffset, nesting: 0)
                value = try primary()
                uncache()
                if lexer.gluedCharacter() != nil {
                    let rest = lexer.bareWord()?.text ?? ""
                    let quoted = String(rawValue.dropLast(rest.count))
                    throw Diagnostic(valueAt, "header value '\(rawValue)' mixes a quoted string with more text; quote the whole value: \(headerName)=\"\(quoted.dropFirst().dropLast())\(rest)\"")
                }
            } else if rawValue.isEmpty {
                value = .literal(.string(""), valueAt)
            } else {
                if rawValue.contains("$") || rawValue.contains("\"") || rawValue.contains("'") {
                    throw Diagnostic(valueAt, "header value '\(rawValue)' mixes text with a $ or a quote; quote the whole value: \(headerName)=\"\(rawValue)\"")
                }
                value = .literal(.string(rawValue), valueAt)
            }
            headers.append(ActionHeader(name: headerName, value: value))
        }
        return .action(name: name, headers: headers, orElse: try optionalElse(), at)
    }

    /// The variable path at the start of `$...` text, and how many characters it used.
    static func leadingVariablePath(_ text: String) -> (String?, Int) {
        let chars = Array(text)
        guard chars.count > 1, chars[0] == "$" else { return (nil, 0) }
        if chars[1] == "{" {
            guard let close = chars.firstIndex(of: "}") else { return (nil, 0) }
            return (String(chars[2..<close]), close + 1)
        }
        var index = 1
        func name() -> Bool {
            let start = index
            while index < chars.count, chars[index].isLetter || chars[index].isNumber || chars[index] == "_" { index += 1 }
            return index > start
        }
        guard name() else { return (nil, 0) }
        while index < chars.count {
            let mark = index
            if chars[index] == ".", index + 1 < chars.count {
                index += 1
                if !name() { index = mark; break }
            } else if chars[index] == "[", let close = chars[index...].firstIndex(of: "]") {
                index = close + 1
            } else {
                break
            }
        }
        return (String(chars[1..<index]), index)
    }

    /// Every statement keyword, for "did you mean" and completion.
    public static let statementNames = [
        "set", "print", "send_user", "send_error", "connect", "send", "expect", "expect_before", "expect_after",
        "exp_continue", "login", "action", "command", "close", "if", "elif", "else", "while", "for", "break",
        "continue", "proc", "return", "sleep", "exit", "log_user", "log_file", "unset", "on", "off", "interact",
        "reconnect",
    ]

    private mutating func procStatement(_ at: SourceLocation) throws(Diagnostic) -> Statement {
        guard procDepth == 0 else { throw Diagnostic(at, "a proc cannot be defined inside another proc") }
        let nameToken = try advance()
        guard case .identifier(let name) = nameToken.kind else {
            throw Diagnostic(location(nameToken), "'proc' wants a name, found \(describe(nameToken))")
        }
        if Builtins.names.contains(name) {
            throw Diagnostic(location(nameToken), "a proc cannot be named '\(name)': it is the name of a built-in function; choose another name")
        }
        _ = try expectSymbol("(", "after the proc name")
        var parameters: [String] = []
        if try peek().symbol != ")" {
            while true {
                let parameter = try advance()
                guard case .identifier(let parameterName) = parameter.kind else {
                    throw Diagnostic(location(parameter), "a parameter is a name, found \(describe(parameter))")
                }
                if parameters.contains(parameterName) {
                    throw Diagnostic(location(parameter), "parameter '\(parameterName)' appears twice")
                }
                parameters.append(parameterName)
                if try peek().symbol == "," { try advance(); continue }
                break
            }
        }
        _ = try expectSymbol(")", "to close the parameter list")
        procDepth += 1
        let savedLoops = loopDepth
        loopDepth = 0
        defer { procDepth -= 1; loopDepth = savedLoops }
        return .proc(name: name, parameters: parameters, body: try block("the proc body"), at)
    }

    // MARK: Expressions

    private static let precedence: [[String]] = [
        ["||"], ["&&"], ["==", "!=", "<", "<=", ">", ">=", "=~", "!~"], [".."], ["+", "-"], ["*", "/", "%"],
    ]

    private mutating func expression() throws(Diagnostic) -> Expression {
        try enterNesting()
        defer { depth -= 1 }
        return try binary(level: 0)
    }

    /// How deep blocks, brackets, parentheses and unary operators may nest. The parser
    /// descends once per level, on the thread's stack: beyond this a script gets an error,
    /// not a stack overflow (no real script comes near it).
    static let maxNesting = 100
    /// How many binary operators one statement may hold: walking a chain of them (checks,
    /// evaluation, freeing the tree) descends once per operator.
    static let maxOperators = 1000

    /// One level deeper (the caller undoes it with `defer { depth -= 1 }`).
    private mutating func enterNesting() throws(Diagnostic) {
        depth += 1
        guard depth <= Self.maxNesting else {
            let token = try peek()
            depth -= 1
            throw Diagnostic(location(token), "nesting too deep: more than \(Self.maxNesting) levels of blocks, brackets, parentheses and operators")
        }
    }

    private mutating func binary(level: Int) throws(Diagnostic) -> Expression {
        guard level < Self.precedence.count else { return try unary() }
        var left = try binary(level: level + 1)
        while true {
            let token = try peek()
            guard let symbol = token.symbol, Self.precedence[level].contains(symbol) else { return left }
            try advance()
            try skipNewlines()  // a line break after an operator continues the expression
            let right: Expression
            if symbol == "=~" || symbol == "!~" {
                let pattern = try peek(regex: true)
                if case .regex(let literal) = pattern.kind {
                    try advance(regex: true)
                    try validate(literal, at: location(pattern))
                    right = .regex(literal, location(pattern))
                } else {
                    right = try binary(level: level + 1)
                }
            } else {
                right = try binary(level: level + 1)
            }
            // A chain of operators is a tree as deep as it is long (`1 + 1 + …`).
            operatorsInStatement += 1
            guard operatorsInStatement <= Self.maxOperators else {
                throw Diagnostic(location(token), "more than \(Self.maxOperators) operators in one statement: split it (set a part in a variable first)")
            }
            left = .binary(symbol, left, right, location(token))
        }
    }

    private mutating func unary() throws(Diagnostic) -> Expression {
        let token = try peek()
        if let symbol = token.symbol, symbol == "!" || symbol == "-" {
            try advance()
            try enterNesting()
            defer { depth -= 1 }
            return .unary(symbol, try unary(), location(token))
        }
        return try postfix()
    }

    private mutating func postfix() throws(Diagnostic) -> Expression {
        var value = try primary()
        while true {
            let token = try peek()
            guard !token.spaceBefore else { return value }
            if token.symbol == "." {
                try advance()
                let field = try advance()
                switch field.kind {
                case .identifier(let name), .word(let name):
                    value = .field(value, name, location(token))
                case .number(_, let text):
                    value = .field(value, text, location(token))
                default:
                    throw Diagnostic(location(field), "a '.' must be followed by a field name")
                }
            } else if token.symbol == "[" {
                try advance()
                let index = try expression()
                _ = try expectSymbol("]", "to close the index")
                value = .index(value, index, location(token))
            } else {
                return value
            }
        }
    }

    private mutating func primary() throws(Diagnostic) -> Expression {
        // Where a value starts, a '/' cannot divide: it opens a regex (`match($s, /x/)`).
        let token = try advance(regex: true)
        let at = location(token)
        switch token.kind {
        case .number(let number, _): return .literal(.number(number), at)
        case .word(let text): return .literal(.string(text), at)
        case .string(let literal): return .string(literal, at)
        case .variable(let name): return .variable(VariablePath(name: name, accesses: []), at)
        case .bracedVariable(let path): return .variable(path, at)
        case .regex(let literal):
            try validate(literal, at: at)
            return .regex(literal, at)
        case .identifier("true"): return .literal(.bool(true), at)
        case .identifier("false"): return .literal(.bool(false), at)
        case .identifier("nil"): return .literal(.none, at)
        case .identifier(let name):
            if try peek().symbol == "(" { return try callRest(name, at) }
            throw Diagnostic(at, "unexpected '\(name)' in an expression (a variable is read as $\(name); text is quoted: \"\(name)\")")
        case .symbol("("):
            let inner = try expression()
            try closing(")", opened: at, what: "'('")
            return inner
        case .symbol("["):
            let items = try expressions(until: "]")
            try closing("]", opened: at, what: "the list's '['")
            return .list(items, at)
        case .symbol("{"):
            return try mapLiteral(at)
        default:
            if case .end = token.kind { ranOutOfInput = true }  // an operator wants its operand
            throw Diagnostic(at, "expected a value, found \(describe(token))")
        }
    }

    /// `{}` or `{Key: value, "Other-Key": value}` after its `{`; a line end may stand for
    /// the comma between entries, and may come after any comma.
    private mutating func mapLiteral(_ at: SourceLocation) throws(Diagnostic) -> Expression {
        var entries: [MapEntry] = []
        try skipNewlines()
        while try peek().symbol != "}" {
            let keyToken = try advance()
            let key: String
            switch keyToken.kind {
            case .identifier(let name), .word(let name), .number(_, let name):
                key = name
            case .string(let literal) where literal.isPlainText:
                key = literal.plainText
            case .end:
                ranOutOfInput = true
                throw Diagnostic(at, "the map's '{' is never closed")
            default:
                throw Diagnostic(location(keyToken), "a map key is a name or a quoted string without $, found \(describe(keyToken))")
            }
            if entries.contains(where: { AMIHeader.namesEqual($0.key, key) }) {
                throw Diagnostic(location(keyToken), "key '\(key)' appears twice in the map (keys ignore case)")
            }
            _ = try expectSymbol(":", "after the map key '\(key)'")
            try skipNewlines()
            entries.append(MapEntry(key: key, value: try expression()))
            // Entries are separated by a comma, a line end, or both.
            let lineEnded = try skipNewlines()
            let next = try peek()
            guard next.symbol == "," else {
                if lineEnded { continue }
                if next.symbol != "}", next.kind != .end {
                    throw Diagnostic(location(next), "expected ',' before the next entry or '}' to close the map, found \(describe(next))")
                }
                break
            }
            try advance()
            try skipNewlines()
        }
        try closing("}", opened: at, what: "the map's '{'")
        return .map(entries, at)
    }

    /// `a, b, c` up to (not including) the closing symbol; empty when it comes at once.
    private mutating func expressions(until closing: String) throws(Diagnostic) -> [Expression] {
        var items: [Expression] = []
        guard try peek().symbol != closing else { return items }
        while true {
            items.append(try expression())
            guard try peek().symbol == "," else { return items }
            try advance()
        }
    }

    /// The closing bracket; at the end of the script the error points at the opening one.
    private mutating func closing(_ symbol: String, opened: SourceLocation, what: String) throws(Diagnostic) {
        if case .end = try peek().kind {
            ranOutOfInput = true  // in the REPL the input goes on on the next line
            throw Diagnostic(opened, "\(what) is never closed")
        }
        _ = try expectSymbol(symbol, "to close \(what)")
    }

    private mutating func callRest(_ name: String, _ at: SourceLocation) throws(Diagnostic) -> Expression {
        _ = try expectSymbol("(", "after '\(name)'")
        let arguments = try expressions(until: ")")
        _ = try expectSymbol(")", "to close the call of \(name)")
        return .call(name, arguments, at)
    }
}
