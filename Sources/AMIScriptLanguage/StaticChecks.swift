/// What `--check` (and the REPL, before it runs a line) finds in a parsed script without
/// running it. Errors: a call of a function or proc that exists nowhere, a built-in or proc
/// called with a wrong number of arguments. Warnings: `send` text holding `\r\n`, a literal
/// secret in `login`, a variable read but set nowhere, statements after `exit`/`return`
/// (or `break`, `continue`, `exp_continue`) in the same block.
public enum StaticChecks {
    /// What exists before the script starts: in the REPL, the variables and procs of the
    /// lines already run.
    public struct Context: Sendable {
        public var variables: Set<String>
        /// Each proc's parameter count.
        public var procs: [String: Int]

        public init(variables: Set<String> = [], procs: [String: Int] = [:]) {
            self.variables = variables
            self.procs = procs
        }
    }

    /// The variables the interpreter sets itself (`$0`..`$99` too).
    public static let builtinVariables: Set<String> = [
        "argv", "argc", "argv0", "timeout", "match_max", "banner", "ami_version", "output",
        "response", "events", "event", "before",
    ]

    /// Every finding, in the order of the script's text.
    public static func check(_ statements: [Statement], context: Context = Context()) -> [Diagnostic] {
        var definitions = Definitions(context: context)
        definitions.collect(statements)
        var checker = Checker(definitions: definitions)
        checker.check(block: statements)
        return checker.findings.sorted { ($0.location.line, $0.location.column) < ($1.location.line, $1.location.column) }
    }
}

/// Every name the script defines anywhere: a variable can be set in a proc and read at
/// the top, a proc called before the statement that defines it runs.
private struct Definitions {
    var variables: Set<String>
    var procs: [String: Set<Int>] = [:]

    init(context: StaticChecks.Context) {
        variables = context.variables.union(StaticChecks.builtinVariables)
        for (name, count) in context.procs { procs[name, default: []].insert(count) }
    }

    mutating func collect(_ statements: [Statement]) {
        for statement in statements { collect(statement) }
    }

    mutating func collect(_ statement: Statement) {
        switch statement {
        case let .set(name, path, value, _):
            // `set NAME[KEY]` needs NAME to exist: it does not make it.
            if path.isEmpty { variables.insert(name) }
            collect(value)
        case let .forLoop(key, name, sequence, body, _):
            if let key { variables.insert(key) }
            variables.insert(name)
            collect(sequence)
            collect(body)
        case let .proc(name, parameters, body, _):
            procs[name, default: []].insert(parameters.count)
            variables.formUnion(parameters)
            collect(body)
        default:
            StatementParts.visit(statement, block: { collect($0) }, expression: { collect($0) }, branch: { collect($0) })
        }
    }

    mutating func collect(_ branch: ExpectBranch) {
        if case .regex(let literal) = branch.pattern { collectGroups(literal) }
        if case .text(let expression) = branch.pattern { collect(expression) }
        if case .event(_, let condition?) = branch.pattern { collect(condition) }
        if let body = branch.body { collect(body) }
    }

    mutating func collect(_ expression: Expression) {
        switch expression {
        case .regex(let literal, _):
            collectGroups(literal)
        case .call(let name, let arguments, _) where ["match", "sub", "gsub"].contains(name):
            // These bind nothing: their regex's named groups are not variables.
            for argument in arguments where !argument.isRegexLiteral { collect(argument) }
        default:
            ExpressionParts.visit(expression) { collect($0) }
        }
    }

    /// `(?<name>…)`, `(?P<name>…)`, `(?'name'…)`: a match binds `$name`.
    mutating func collectGroups(_ literal: RegexLiteral) {
        for case .pattern(let text) in literal.parts {
            let characters = Array(text)
            var index = 0
            var escaped = false
            while index + 2 < characters.count {
                defer { index += 1 }
                if escaped {
                    escaped = false
                    continue
                }
                if characters[index] == "\\" {
                    escaped = true
                    continue
                }
                guard characters[index] == "(", characters[index + 1] == "?" else { continue }
                var start = index + 2
                if characters[start] == "P" { start += 1 }
                guard start < characters.count, characters[start] == "<" || characters[start] == "'" else { continue }
                let close: Character = characters[start] == "<" ? ">" : "'"
                var end = start + 1
                while end < characters.count, characters[end].isLetter || characters[end].isNumber || characters[end] == "_" { end += 1 }
                guard end > start + 1, end < characters.count, characters[end] == close else { continue }
                variables.insert(String(characters[(start + 1)..<end]))
            }
        }
    }
}

/// Walks the script once and records what it finds.
private struct Checker {
    let definitions: Definitions
    var findings: [Diagnostic] = []
    /// Each unknown variable is reported once, where it is first read.
    var reportedVariables: Set<String> = []

    init(definitions: Definitions) {
        self.definitions = definitions
    }

    mutating func warn(_ location: SourceLocation, _ message: String) {
        findings.append(Diagnostic(location, message, severity: .warning))
    }

    mutating func check(block statements: [Statement]) {
        var jump: (word: String, location: SourceLocation)?
        var warned = false
        for statement in statements {
            if let jump, !warned {
                warn(statement.location, "this statement never runs: '\(jump.word)' on line \(jump.location.line) comes before it in the same block")
                warned = true
            }
            // Statements that never run are still checked: someone meant them to.
            check(statement)
            if jump == nil { jump = Self.jump(statement) }
        }
    }

    /// `exit`, `return`, `break`, `continue`, `exp_continue`: the block ends there.
    static func jump(_ statement: Statement) -> (word: String, location: SourceLocation)? {
        switch statement {
        case .exit(_, let location): return ("exit", location)
        case .returnValue(_, let location): return ("return", location)
        case .breakLoop(let location): return ("break", location)
        case .continueLoop(let location): return ("continue", location)
        case .expContinue(_, let location): return ("exp_continue", location)
        default: return nil
        }
    }

    mutating func check(_ statement: Statement) {
        switch statement {
        case let .send(value, raw, _):
            if !raw, let location = Self.firstText(in: value, containing: "\r\n") {
                warn(location, "the text to send holds \\r\\n: send already writes each \\n as \\r\\n, so write \\n (or use send -raw for bytes as they are)")
            }
        case let .login(_, secret?, _, _, _, _):
            if let location = Self.literalText(secret) {
                warn(location, "the secret is written in the script: leave it out (login reads $AMI_SECRET) or ask for it with secret()")
            }
        case let .action(name, headers, _, _) where Self.literalText(name).map({ _ in Self.isLogin(name) }) == true:
            for header in headers where header.name.lowercased() == "secret" {
                if let location = Self.literalText(header.value) {
                    warn(location, "the secret is written in the script: use login (it reads $AMI_SECRET) or secret()")
                }
            }
        case let .unset(name, _, location):
            read(name, at: location)
        case let .set(name, path, _, location) where !path.isEmpty:
            // Setting into a value needs the variable to exist already.
            read(name, at: location)
        default:
            break
        }
        StatementParts.visit(statement, block: { check(block: $0) }, expression: { check($0) }, branch: { check($0) })
        if case let .set(_, path, _, _) = statement {
            for case .index(let key, _) in path { check(key) }
        }
        if case let .unset(_, path, _) = statement {
            for case .index(let key, _) in path { check(key) }
        }
    }

    mutating func check(_ branch: ExpectBranch) {
        switch branch.pattern {
        case .regex(let literal): check(literal, at: branch.location)
        case .text(let expression): check(expression)
        case .event(let matcher, let condition):
            if case .regex(let literal) = matcher { check(literal, at: branch.location) }
            if let condition { check(condition) }
        case .timeout, .eof, .defaultCase: break
        }
        if let body = branch.body { check(block: body) }
    }

    mutating func check(_ expression: Expression) {
        switch expression {
        case let .variable(path, location):
            read(path, at: location)
        case let .string(literal, location):
            for case .variable(let path) in literal.parts { read(path, at: location) }
        case let .regex(literal, location):
            check(literal, at: location)
        case let .call(name, arguments, location):
            checkCall(name, arguments.count, at: location)
            if name == "format", definitions.procs[name] == nil, let template = arguments.first.flatMap(Self.plainText) {
                // A written-out template: formatting zeros finds a count that cannot work.
                do {
                    _ = try Formatter.format(template, Array(repeating: .number(0), count: arguments.count - 1), at: location)
                } catch let error as ScriptError {
                    findings.append(error.diagnostic)
                } catch {}
            }
        default:
            break
        }
        ExpressionParts.visit(expression) { check($0) }
    }

    mutating func check(_ literal: RegexLiteral, at location: SourceLocation) {
        for case .variable(let path) in literal.parts { read(path, at: location) }
    }

    mutating func checkCall(_ name: String, _ count: Int, at location: SourceLocation) {
        if let counts = definitions.procs[name] {
            guard !counts.contains(count) else { return }
            let expected = counts.sorted().map(String.init).joined(separator: " or ")
            findings.append(Diagnostic(location, "\(name) takes \(expected) argument\(counts == [1] ? "" : "s"), not \(count)"))
        } else if Builtins.names.contains(name) {
            if let problem = Builtins.arityProblem(name, count) { findings.append(Diagnostic(location, problem)) }
        } else {
            var message = "no function or proc named '\(name)'"
            if let hint = Suggestions.didYouMean(name, in: Builtins.orderedNames + definitions.procs.keys.sorted()) {
                message += ": \(hint)"
            }
            findings.append(Diagnostic(location, message))
        }
    }

    mutating func read(_ path: VariablePath, at location: SourceLocation) {
        read(path.name, at: location)
        for case .indexVariable(let name) in path.accesses { read(name, at: location) }
    }

    mutating func read(_ name: String, at location: SourceLocation) {
        guard !definitions.variables.contains(name), Int(name) == nil, reportedVariables.insert(name).inserted else { return }
        var message = "$\(name) is read but set nowhere in the script"
        let candidates = definitions.variables.subtracting(StaticChecks.builtinVariables).sorted() + StaticChecks.builtinVariables.sorted()
        if let hint = Suggestions.didYouMean(name, in: candidates, quote: { "$" + $0 }) { message += ": \(hint)" }
        warn(location, message)
    }

    /// Where a string literal in the expression holds `text`, if one does.
    static func firstText(in expression: Expression, containing text: String) -> SourceLocation? {
        switch expression {
        case let .string(literal, location):
            for case .text(let part) in literal.parts where part.contains(text) { return location }
            return nil
        case let .literal(.string(value), location):
            return value.contains(text) ? location : nil
        default:
            var found: SourceLocation?
            ExpressionParts.visit(expression) { part in
                if found == nil { found = firstText(in: part, containing: text) }
            }
            return found
        }
    }

    static func isLogin(_ expression: Expression) -> Bool {
        plainText(expression)?.lowercased() == "login"
    }

    /// The text of a string written out without `$` insertions.
    static func plainText(_ expression: Expression) -> String? {
        switch expression {
        case let .string(literal, _) where literal.isPlainText: return literal.plainText
        case let .literal(.string(value), _): return value
        default: return nil
        }
    }

    /// Where the expression is text written out in the script (no `$` in it).
    static func literalText(_ expression: Expression) -> SourceLocation? {
        switch expression {
        case let .string(literal, location) where literal.isPlainText && !literal.plainText.isEmpty: return location
        case let .literal(.string(value), location) where !value.isEmpty: return location
        case let .literal(.number, location): return location
        default: return nil
        }
    }
}

/// The direct parts of a statement: its blocks, expressions and expect branches (each
/// walk above decides what to do with them).
private enum StatementParts {
    static func visit(_ statement: Statement, block: (([Statement]) -> Void), expression: ((Expression) -> Void),
                      branch: ((ExpectBranch) -> Void)) {
        switch statement {
        case let .set(_, _, value, _): expression(value)
        case .unset: break
        case let .print(values, _): values.forEach(expression)
        case let .sendUser(value, _), let .sendError(value, _), let .send(value, _, _), let .sleep(value, _):
            expression(value)
        case let .command(value, orElse, _):
            expression(value)
            orElse.map(block)
        case let .connect(host, port, _, retry, orElse, _):
            host.map(expression)
            port.map(expression)
            retry.map(expression)
            orElse.map(block)
        case let .reconnect(orElse, _):
            orElse.map(block)
        case let .expect(timeout, branches, _):
            timeout.map(expression)
            branches.forEach(branch)
        case let .expectBefore(branches, _), let .expectAfter(branches, _):
            branches.forEach(branch)
        case let .login(user, secret, _, _, orElse, _):
            user.map(expression)
            secret.map(expression)
            orElse.map(block)
        case let .action(name, headers, orElse, _):
            expression(name)
            headers.forEach { expression($0.value) }
            orElse.map(block)
        case let .ifChain(clauses, orElse, _):
            for clause in clauses {
                expression(clause.condition)
                block(clause.body)
            }
            orElse.map(block)
        case let .whileLoop(condition, body, _):
            expression(condition)
            block(body)
        case let .forLoop(_, _, sequence, body, _):
            expression(sequence)
            block(body)
        case let .proc(_, _, body, _): block(body)
        case let .returnValue(value, _), let .exit(value, _), let .logFile(value, _): value.map(expression)
        case let .expression(value, _): expression(value)
        case let .onEvent(matcher, condition, body, _):
            if case .regex(let literal) = matcher { expression(.regex(literal, statement.location)) }
            condition.map { expression($0.expression) }
            block(body)
        case .offEvent, .interact, .close, .breakLoop, .continueLoop, .expContinue, .logUser: break
        }
    }
}

/// The direct sub-expressions of an expression.
private enum ExpressionParts {
    static func visit(_ expression: Expression, _ visit: (Expression) -> Void) {
        switch expression {
        case .literal, .string, .regex, .variable: break
        case let .list(items, _): items.forEach(visit)
        case let .unary(_, operand, _): visit(operand)
        case let .binary(_, left, right, _):
            visit(left)
            visit(right)
        case let .field(base, _, _): visit(base)
        case let .index(base, key, _):
            visit(base)
            visit(key)
        case let .call(_, arguments, _): arguments.forEach(visit)
        case let .map(entries, _): entries.forEach { visit($0.value) }
        }
    }
}

extension Expression {
    var isRegexLiteral: Bool {
        if case .regex = self { return true }
        return false
    }
}
