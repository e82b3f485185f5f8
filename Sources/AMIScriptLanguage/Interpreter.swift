import AMIProtocol

/// Runs scripts. State (variables, procs, the connection, the expect buffer) persists
/// between `run` calls, so a REPL can feed it one statement at a time.
public final class Interpreter {
    public struct Configuration {
        /// `$argv0` and the arguments.
        public var scriptName: String
        public var arguments: [String]
        /// What `env()` and the defaults of `connect`/`login` read (AMI_HOST, AMI_PORT…).
        public var environment: [String: String]
        /// The default expect timeout in seconds (`--timeout`).
        public var timeout: Double

        public init(scriptName: String, arguments: [String], environment: [String: String], timeout: Double = 10) {
            self.scriptName = scriptName
            self.arguments = arguments
            self.environment = environment
            self.timeout = timeout
        }
    }

    let configuration: Configuration
    let session: ScriptSession
    let output: ScriptOutput
    var globals: [String: Value] = [:]
    var locals: [[String: Value]] = []
    var procs: [String: (parameters: [String], body: [Statement], location: SourceLocation)] = [:]
    var expectBefore: [ExpectBranch] = []
    var expectAfter: [ExpectBranch] = []
    var buffer = ExpectBuffer(maxBytes: 1 << 20)
    var pendingEvents = EventQueue()
    /// The REPL's copy of the packets that arrive while a statement runs (they also stay
    /// for `expect`), so it can show the events that came with a response.
    /// At most `arrivalsKept` are kept (a flood during a long `expect` must not pile up
    /// here); `arrivalsDropped` counts the rest.
    var collectsArrivals = false
    var arrivals: [AMIPacket] = []
    var arrivalsDropped = 0
    static let arrivalsKept = 200
    /// `on event` handlers, in the order they were registered.
    var eventHandlers: [EventHandler] = []
    /// Events taken by handlers whose handlers have not run yet.
    var handlerQueue: [(AMIPacket, [EventHandler])] = []
    /// Where the script is when it may not wait: "an event handler (on event …)" or "a 'where' condition"; nil elsewhere.
    var waitRefusedInside: String?
    /// What `interact` runs: the REPL on this interpreter (set by the command line; nil
    /// without a terminal).
    /// It returns nil to go on with the script, or the code of an `exit` typed there.
    public var interactHook: ((Interpreter) async -> Int32?)?
    var loggedIn = false
    /// Where the last `connect` went, for `reconnect`.
    var lastConnect: ConnectTarget?
    /// How the last successful `login` logged in, for `reconnect`.
    var lastLogin: LoginCredentials?
    var lastResult: AMIActionResult?
    /// Who logged in, for a REPL prompt.
    public internal(set) var loginUser: String?
    var logUser = false
    var logFile: SessionLog? {
        didSet {
            oldValue?.close()
            session.log = logFile
        }
    }
    var callDepth = 0
    /// Bytes handed to the regex engine by expect (from each branch's resume point):
    /// the measure of incremental scanning, which keeps it linear in the bytes received.
    var scannedBytes = 0
    var regexCache: [String: Regex] = [:]

    public init(configuration: Configuration, session: ScriptSession, output: ScriptOutput) {
        self.configuration = configuration
        self.session = session
        self.output = output
        globals["argv"] = .list(configuration.arguments.map(Value.string))
        globals["argc"] = .number(Double(configuration.arguments.count))
        globals["argv0"] = .string(configuration.scriptName)
        globals["timeout"] = .number(configuration.timeout)
        globals["match_max"] = .number(Double(1 << 20))
    }

    /// Runs statements; returns the exit code (0 at the end, `exit`'s code, or the code
    /// of a runtime error) and the error, if one ended the run.
    public func run(_ statements: [Statement]) async -> (exitCode: Int32, error: ScriptError?) {
        switch await runInteractive(statements) {
        case .finished: return (ExitCode.success, nil)
        case .exited(let code): return (code, nil)
        case .failed(let error): return (error.exitCode, error)
        }
    }

    /// Ends the run: closes the connection (with Logoff when logged in) and the log file.
    public func finish() async {
        if session.isConnected { await session.close(logoff: loggedIn, timeout: 2) }
        loggedIn = false
        logFile = nil
    }

    // MARK: Variables

    func lookup(_ name: String) -> Value? {
        if let scope = locals.last, let value = scope[name] { return value }
        return globals[name]
    }

    func assign(_ name: String, _ value: Value) {
        if locals.isEmpty {
            globals[name] = value
        } else {
            locals[locals.count - 1][name] = value
        }
        if name == "match_max", let size = value.number, size > 0 { buffer.maxBytes = Int(min(size, 1e15)) }
    }

    /// Removes a variable (from the proc's scope when it is there); false when none.
    func unassign(_ name: String) -> Bool {
        if !locals.isEmpty, locals[locals.count - 1].removeValue(forKey: name) != nil { return true }
        return globals.removeValue(forKey: name) != nil
    }

    public var variableNames: [String] {
        Array(Set(globals.keys).union(locals.last?.keys ?? [:].keys)).sorted()
    }

    /// What the lines run so far define, for checking the next one (the REPL).
    public var checkContext: StaticChecks.Context {
        StaticChecks.Context(variables: Set(variableNames), procs: procs.mapValues(\.parameters.count))
    }

    // MARK: Statements

    func execute(_ statements: [Statement]) async throws {
        for statement in statements { try await execute(statement) }
    }

    func execute(_ statement: Statement) async throws {
        switch statement {
        case let .set(name, path, value, location):
            if path.isEmpty {
                let newValue = try await evaluate(value)
                // The variables amiscript itself reads as numbers: a typo must not be ignored.
                if name == "timeout" || name == "match_max" || name == "keepalive", newValue.number == nil {
                    throw ScriptError(location, "$\(name) is a number\(name == "match_max" ? " of bytes" : name == "timeout" ? " of seconds (-1: forever)" : " of seconds (0: off)"), not '\(newValue)'")
                }
                assign(name, newValue)
            } else {
                try await assign(name, path: path, try await evaluate(value), at: location)
            }
        case let .unset(name, path, location):
            if path.isEmpty {
                guard unassign(name) else { throw ScriptError(location, "unset: no variable named $\(name)") }
            } else {
                try await assign(name, path: path, nil, at: location)
            }
        case let .print(values, _):
            var parts: [String] = []
            for value in values { parts.append(try await evaluate(value).description) }
            write(parts.joined(separator: " ") + "\n")
        case let .sendUser(value, _):
            write(try await evaluate(value).description)
        case let .sendError(value, _):
            output.writeError(try await evaluate(value).description)
        case let .connect(host, port, tls, retry, orElse, location):
            try refuseInsideHandler("connect", at: location)
            try await connect(host: host, port: port, tls: tls, retry: retry, orElse: orElse, at: location)
        case let .reconnect(orElse, location):
            try refuseInsideHandler("reconnect", at: location)
            try await reconnect(orElse: orElse, at: location)
        case let .send(value, raw, location):
            try await send(try await evaluate(value).description, raw: raw, at: location)
        case let .expect(timeout, branches, location):
            try refuseInsideHandler("expect", at: location)
            try await expect(branches, timeout: timeout, at: location)
        case let .expectBefore(branches, _):
            expectBefore = branches
        case let .expectAfter(branches, _):
            expectAfter = branches
        case let .expContinue(continueTimer, _):
            throw ControlFlow.expContinue(keepTimer: continueTimer)
        case let .login(user, secret, md5, events, orElse, location):
            try refuseInsideHandler("login", at: location)
            try await login(user: user, secret: secret, md5: md5, events: events, orElse: orElse, at: location)
        case let .action(name, headers, orElse, location):
            try refuseInsideHandler("action", at: location)
            try await action(name: name, headers: headers, orElse: orElse, at: location)
        case let .command(text, orElse, location):
            try refuseInsideHandler("command", at: location)
            try await command(text, orElse: orElse, at: location)
        case .close:
            if session.isConnected { await session.close(logoff: loggedIn, timeout: 5) }
            loggedIn = false
        case let .ifChain(branches, orElse, _):
            for branch in branches where try await evaluate(branch.condition).isTrue {
                try await execute(branch.body)
                return
            }
            if let orElse { try await execute(orElse) }
        case let .whileLoop(condition, body, location):
            while try await evaluate(condition).isTrue {
                if try await !runLoopBody(body, at: location) { break }
            }
        case let .forLoop(key, name, sequence, body, location):
            // (key or index, item): one name gets a map's keys, a list's items.
            let pairs: [(Value, Value)]
            switch try await evaluate(sequence) {
            case .list(let list): pairs = list.enumerated().map { (.number(Double($0.offset)), $0.element) }
            case .map(let map): pairs = map.entries.map { (.string($0.key), key == nil ? .string($0.key) : $0.value) }
            case .string(let text): pairs = ScalarText.characters(text).enumerated().map { (.number(Double($0.offset)), .string($0.element)) }
            case let other: throw ScriptError(location, "'for' walks a list, a range or a map, not a \(other.typeName)")
            }
            for (first, item) in pairs {
                if let key { assign(key, first) }
                assign(name, item)
                if try await !runLoopBody(body, at: location) { break }
            }
        case .breakLoop:
            throw ControlFlow.breakLoop
        case .continueLoop:
            throw ControlFlow.continueLoop
        case let .proc(name, parameters, body, location):
            if Builtins.names.contains(name) {
                throw ScriptError(location, "'\(name)' is a built-in function; choose another name for the proc")
            }
            procs[name] = (parameters, body, location)
        case let .returnValue(value, _):
            throw ControlFlow.returnValue(value == nil ? .none : try await evaluate(value!))
        case let .sleep(seconds, location):
            try refuseInsideHandler("sleep", at: location)
            guard let duration = try await evaluate(seconds).number, duration >= 0 else {
                throw ScriptError(location, "'sleep' wants a number of seconds")
            }
            try await sleep(duration, at: location)
        case let .exit(code, location):
            guard let code else { throw ControlFlow.exit(0) }
            guard let number = try await evaluate(code).number, number >= 0, number <= 255 else {
                throw ScriptError(location, "'exit' wants a code from 0 to 255")
            }
            throw ControlFlow.exit(Int32(number))
        case let .logUser(on, _):
            logUser = on
        case let .logFile(path, location):
            guard let path else { logFile = nil; return }
            let name = try await evaluate(path).description
            guard let file = SessionLog(path: name) else {
                throw ScriptError(location, "cannot open log file '\(name)'")
            }
            logFile = file
        case let .expression(expression, _):
            _ = try await evaluate(expression)
        case let .onEvent(matcher, condition, body, location):
            register(EventHandler(matcher: matcher, condition: condition, body: body, location: location))
        case let .offEvent(matcher, _):
            unregister(matcher)
        case let .interact(location):
            try refuseInsideHandler("interact", at: location)
            guard let interactHook else {
                throw ScriptError(location, "interact needs a terminal on standard input (there is none)")
            }
            if let code = await interactHook(self) { throw ControlFlow.exit(code) }
        }
    }

    /// One turn of a loop; false when it ended with `break`. A cancelled task (Ctrl-C in
    /// the REPL) stops here: a busy loop waits on nothing that would notice otherwise.
    private func runLoopBody(_ body: [Statement], at location: SourceLocation) async throws -> Bool {
        if Task.isCancelled { throw ScriptError(location, "interrupted", exitCode: ExitCode.interrupted) }
        do {
            try await execute(body)
        } catch ControlFlow.breakLoop {
            return false
        } catch ControlFlow.continueLoop {
            return true
        }
        return true
    }

    func write(_ text: String) {
        output.writeOutput(text)
    }

    // MARK: Expressions

    func evaluate(_ expression: Expression) async throws -> Value {
        switch expression {
        case .literal(let value, _):
            return value
        case .string(let literal, let location):
            return .string(try interpolate(literal, at: location))
        case .regex(let literal, let location):
            return .string(try regexSource(literal, at: location))
        case .variable(let path, let location):
            return try read(path, at: location)
        case .list(let items, let location):
            var values: [Value] = []
            for item in items { values.append(try await evaluate(item)) }
            try Self.checkNesting(values, levelsAbove: 1, at: location)
            return .list(values)
        case .map(let entries, let location):
            var map = OrderedMap()
            map.reserveCapacity(entries.count)
            for entry in entries { map[entry.key] = try await evaluate(entry.value) }
            try Self.checkNesting(map.values, levelsAbove: 1, at: location)
            return .map(map)
        case let .unary(op, operand, location):
            let value = try await evaluate(operand)
            if op == "!" { return .bool(!value.isTrue) }
            guard let number = value.number else { throw ScriptError(location, "cannot negate a \(value.typeName) ('\(value)')") }
            return .number(-number)
        case let .binary(op, left, right, location):
            return try await binary(op, left, right, at: location)
        case let .field(base, name, location):
            return try field(of: try await evaluate(base), name, at: location)
        case let .index(base, index, location):
            return try element(of: try await evaluate(base), try await evaluate(index), at: location)
        case let .call(name, arguments, location):
            if procs[name] == nil, let result = try await specialCall(name, arguments, at: location) { return result }
            var values: [Value] = []
            for argument in arguments { values.append(try await evaluate(argument)) }
            return try await call(name, values, at: location)
        }
    }

    private func binary(_ op: String, _ leftExpression: Expression, _ rightExpression: Expression, at location: SourceLocation) async throws -> Value {
        if op == "&&" {
            let left = try await evaluate(leftExpression)
            return left.isTrue ? .bool(try await evaluate(rightExpression).isTrue) : .bool(false)
        }
        if op == "||" {
            let left = try await evaluate(leftExpression)
            return left.isTrue ? .bool(true) : .bool(try await evaluate(rightExpression).isTrue)
        }
        let left = try await evaluate(leftExpression)
        if op == "=~" || op == "!~" {
            let pattern: Regex
            if case .regex(let literal, _) = rightExpression {
                pattern = try compile(literal, at: location)
            } else {
                pattern = try compileText(try await evaluate(rightExpression).description, literal: false, at: location)
            }
            let subject = Array(left.description.utf8)
            guard let groups = try Self.match(pattern, subject, at: location) else { return .bool(op == "!~") }
            if op == "=~" {
                subject.withUnsafeBufferPointer { bindCaptures(groups, in: $0, regex: pattern, before: groups[0]?.lowerBound ?? 0) }
            }
            return .bool(op == "=~")
        }
        let right = try await evaluate(rightExpression)
        switch op {
        case "==": return .bool(Self.equal(left, right))
        case "!=": return .bool(!Self.equal(left, right))
        case "<", "<=", ">", ">=":
            let order: Int
            if let a = left.number, let b = right.number {
                order = a < b ? -1 : (a > b ? 1 : 0)
            } else {
                let a = left.description, b = right.description
                order = a < b ? -1 : (a > b ? 1 : 0)
            }
            switch op {
            case "<": return .bool(order < 0)
            case "<=": return .bool(order <= 0)
            case ">": return .bool(order > 0)
            default: return .bool(order >= 0)
            }
        case "..":
            guard let low = left.number, let high = right.number, low == low.rounded(), high == high.rounded() else {
                throw ScriptError(location, "a range wants whole numbers ('\(left)..\(right)')")
            }
            guard abs(high - low) <= 10_000_000 else { throw ScriptError(location, "range \(Value.format(low))..\(Value.format(high)) is too large") }
            let step: Double = low <= high ? 1 : -1
            return .list(stride(from: low, through: high, by: step).map(Value.number))
        case "+":
            if let a = left.number, let b = right.number { return .number(a + b) }
            if case .list(let a) = left, case .list(let b) = right { return .list(a + b) }
            if case .list(let a) = left { return .list(a + [right]) }
            return .string(left.description + right.description)
        case "-", "*", "/", "%":
            guard let a = left.number, let b = right.number else {
                let bad = left.number == nil ? left : right
                throw ScriptError(location, "'\(op)' wants numbers, not the \(bad.typeName) '\(bad)'")
            }
            switch op {
            case "-": return .number(a - b)
            case "*": return .number(a * b)
            case "/":
                guard b != 0 else { throw ScriptError(location, "division by zero") }
                return .number(a / b)
            default:
                guard b != 0 else { throw ScriptError(location, "modulo by zero") }
                return .number(a.truncatingRemainder(dividingBy: b))
            }
        default:
            throw ScriptError(location, "unknown operator '\(op)'")
        }
    }

    static func equal(_ left: Value, _ right: Value) -> Bool {
        if case .none = left { if case .none = right { return true } }
        if let a = left.number, let b = right.number {
            if case .bool = left, case .bool = right { return a == b }
            return a == b
        }
        switch (left, right) {
        case (.list(let a), .list(let b)): return a.count == b.count && zip(a, b).allSatisfy { equal($0, $1) }
        case (.map(let a), .map(let b)): return a == b
        default: return left.description == right.description
        }
    }

    func read(_ path: VariablePath, at location: SourceLocation) throws -> Value {
        guard var value = lookup(path.name) else {
            if path.name.allSatisfy(\.isNumber) { return .string("") }
            throw ScriptError(location, "no variable named $\(path.name)")
        }
        for access in path.accesses {
            switch access {
            case .field(let name): value = try field(of: value, name, at: location)
            case .index(let index): value = try element(of: value, .number(Double(index)), at: location)
            case .indexVariable(let name):
                guard let index = lookup(name) else { throw ScriptError(location, "no variable named $\(name)") }
                value = try element(of: value, index, at: location)
            }
        }
        return value
    }

    func field(of value: Value, _ name: String, at location: SourceLocation) throws -> Value {
        guard case .map(let map) = value else {
            throw ScriptError(location, "'.\(name)': a \(value.typeName) has no fields")
        }
        return try entry(of: map, name, at: location)
    }

    /// A map's entry; a missing one is an error that names the key and the keys there are,
    /// so a misspelt field (`$response.NewMesages`) cannot read as nil and pass a check.
    /// Optional entries are read with `get(map, key, default)`.
    func entry(of map: OrderedMap, _ key: String, at location: SourceLocation) throws -> Value {
        if let value = map[key] { return value }
        var message = "no key '\(key)' in the map"
        if let hint = Suggestions.didYouMean(key, in: map.keys) { message += ": \(hint)" }
        message += Self.keyList(map) + "; get(map, key, default) reads an optional entry"
        throw ScriptError(location, message)
    }

    /// ` (its keys: a, b, …)` or ` (it is empty)`: what a message about a missing key adds.
    static func keyList(_ map: OrderedMap) -> String {
        let keys = map.keys
        if keys.isEmpty { return " (it is empty)" }
        return " (its keys: \(keys.prefix(24).joined(separator: ", "))\(keys.count > 24 ? ", … \(keys.count - 24) more" : ""))"
    }

    func element(of value: Value, _ index: Value, at location: SourceLocation) throws -> Value {
        switch value {
        case .list(let items):
            let position = try readPosition(index, count: items.count, at: location)
            guard let position else {
                throw ScriptError(location, "index \(index) is out of range (the list has \(items.count) item\(items.count == 1 ? "" : "s"))")
            }
            return items[position]
        case .map(let map):
            return try entry(of: map, index.description, at: location)
        case .string(let text):
            let count = ScalarText.count(text)
            guard let position = try readPosition(index, count: count, at: location) else {
                throw ScriptError(location, "index \(index) is out of range (the string has \(count) character\(count == 1 ? "" : "s"))")
            }
            return .string(ScalarText.slice(text, position, position + 1))
        default:
            throw ScriptError(location, "a \(value.typeName) cannot be indexed")
        }
    }

    /// Values put `levelsAbove` lists or maps deep must not make a value nest deeper than
    /// `Value.maxNesting`: printing, comparing and freeing it walk it on the stack.
    static func checkNesting(_ values: [Value], levelsAbove: Int, at location: SourceLocation) throws {
        let room = Value.maxNesting - levelsAbove
        for value in values where value.nesting(upTo: room + 1) > room {
            throw ScriptError(location, "a value nested deeper than \(Value.maxNesting) levels of lists and maps")
        }
    }

    /// The position a read index names in a list or string of `count`: a whole number from
    /// 0, or from -1 for the last (nil when outside); any other value is an error.
    func readPosition(_ index: Value, count: Int, at location: SourceLocation) throws -> Int? {
        guard let number = index.number, number == number.rounded() else {
            throw ScriptError(location, "an index is a whole number, not '\(index)'")
        }
        // Far outside any list: also keeps the conversion to Int safe.
        guard abs(number) <= Double(count) else { return nil }
        let position = number < 0 ? count + Int(number) : Int(number)
        return position < count ? position : nil
    }

    func interpolate(_ literal: StringLiteral, at location: SourceLocation) throws -> String {
        var text = ""
        for part in literal.parts {
            switch part {
            case .text(let piece): text += piece
            case .variable(let path): text += try read(path, at: location).description
            }
        }
        return text
    }

    func regexSource(_ literal: RegexLiteral, at location: SourceLocation) throws -> String {
        var source = ""
        for part in literal.parts {
            switch part {
            case .pattern(let piece): source += piece
            case .variable(let path): source += Regex.quoted(try read(path, at: location).description)
            }
        }
        return source
    }

    func compile(_ literal: RegexLiteral, at location: SourceLocation) throws -> Regex {
        let source = try regexSource(literal, at: location)
        do {
            return try cachedRegex(source, flags: literal.flags, literal: false)
        } catch let error as Regex.CompileError {
            throw ScriptError(location, "bad regex \(literal.display): \(error.message)")
        }
    }

    func compileText(_ text: String, literal: Bool, at location: SourceLocation) throws -> Regex {
        do {
            return try cachedRegex(text, flags: "", literal: literal)
        } catch let error as Regex.CompileError {
            throw ScriptError(location, "bad regex /\(text)/: \(error.message)")
        }
    }

    /// Compiled patterns by source: an `expect` in a loop compiles (and JIT-compiles) its
    /// pattern once, not on every pass. Bounded, for patterns built from changing values.
    private func cachedRegex(_ source: String, flags: String, literal: Bool) throws -> Regex {
        let key = (literal ? "L" : "R") + flags + "/" + source
        if let regex = regexCache[key] { return regex }
        let regex = try Regex(source, flags: flags, literal: literal)
        if regexCache.count >= 256 { regexCache.removeAll(keepingCapacity: true) }
        regexCache[key] = regex
        return regex
    }

    /// `$0`…`$N`, named groups, `$before`, as a match sets them.
    /// `subject` indexes from 0 (an Array, or the expect buffer's unconsumed slice rebased).
    func bindCaptures(_ groups: [Range<Int>?], in subject: UnsafeBufferPointer<UInt8>, regex: Regex, before: Int) {
        for (number, range) in groups.enumerated() {
            let text = range.map { String(decoding: UnsafeBufferPointer(rebasing: subject[$0]), as: UTF8.self) } ?? ""
            assign(String(number), .string(text))
        }
        for (name, number) in regex.groupNames where number < groups.count {
            let text = groups[number].map { String(decoding: UnsafeBufferPointer(rebasing: subject[$0]), as: UTF8.self) } ?? ""
            assign(name, .string(text))
        }
        assign("before", .string(String(decoding: UnsafeBufferPointer(rebasing: subject[..<before]), as: UTF8.self)))
    }

    // MARK: Calls

    func call(_ name: String, _ arguments: [Value], at location: SourceLocation) async throws -> Value {
        if let proc = procs[name] {
            guard arguments.count == proc.parameters.count else {
                throw ScriptError(location, "\(name) takes \(proc.parameters.count) argument\(proc.parameters.count == 1 ? "" : "s"), not \(arguments.count)")
            }
            guard callDepth < 200 else { throw ScriptError(location, "too many nested calls (is \(name) recursing forever?)") }
            callDepth += 1
            locals.append(Dictionary(uniqueKeysWithValues: zip(proc.parameters, arguments)))
            defer {
                locals.removeLast()
                callDepth -= 1
            }
            do {
                try await execute(proc.body)
            } catch ControlFlow.returnValue(let value) {
                return value
            }
            return .none
        }
        return try Builtins.call(name, arguments, interpreter: self, at: location)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
