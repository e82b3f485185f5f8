/// `amiscript convert`: an Expect script that drives AMI through `spawn telnet HOST PORT`
/// (or `spawn -open [socket HOST PORT]`) as an amiscript script that prints the same and
/// exits the same against the same server. What it cannot translate stays in the output
/// as a `# convert:` comment beside the nearest translated line, with a note.
public struct ExpectConverter {
    /// Something the conversion left for a person to look at.
    public struct Note: Sendable, Equatable, CustomStringConvertible {
        /// 1-based line in the Expect script.
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    public struct Result: Sendable {
        /// The amiscript text.
        public var text: String
        public var notes: [Note]
        /// True when nothing was left untranslated.
        public var isComplete: Bool { notes.isEmpty }
    }

    /// Converts Expect script text; `sourceName` goes into the header. Throws when the text
    /// is not Tcl (an unclosed brace or quote).
    public static func convert(_ text: String, sourceName: String) throws(TclSyntaxError) -> Result {
        let script = try TclParser.parse(text)
        let converter = Converter(sourceName: sourceName)
        converter.prepare(script)
        converter.header()
        converter.block(script, topLevel: true)
        return Result(text: converter.output(), notes: converter.notes)
    }
}

/// What kind of value a place wants: Tcl has only strings, amiscript has lists too.
enum Want {
    case any, text, list
}

/// The converter's state while it walks one script.
final class Converter {
    let sourceName: String
    var lines: [String] = []
    var depth = 0
    var notes: [ExpectConverter.Note] = []
    /// Statements an expression needs first (a `regexp` with match variables, a `?:`).
    var pending: [String] = []
    var temporaries = 0

    /// Variables used as Tcl lists (lappend, foreach, list results): `set x {}` is `[]`.
    var listVariables: Set<String> = ["argv"]
    /// Variables used as arrays (`set a(k) v`): maps in amiscript.
    var arrayVariables: Set<String> = []
    /// A proc parameter: its name and Tcl default value.
    struct Parameter {
        var name: String
        var fallback: String?
    }

    /// Procs of the script and their parameters.
    var procs: [String: [Parameter]] = [:]
    /// Procs already written out.
    var writtenProcs: Set<String> = []
    /// Procs whose result is a list.
    var listProcs: Set<String> = []
    /// Procs that raise `error` (somewhere in their body): they return ["ok", value] or
    /// ["error", message], so that `catch` can tell.
    var failingProcs: Set<String> = []
    var inFailingProc = false
    /// Loops and expect branches around the statement being converted (in this proc):
    /// amiscript refuses break, continue and exp_continue elsewhere.
    var loops = 0
    var expectBranches = 0
    /// Converting the test of an if/while: Tcl's 1/0 need not be made numbers there.
    var inCondition = false
    /// Variables that hold a socket `catch {socket …}` opened (`spawn -open $sock`).
    var socketVariables: Set<String> = []
    /// `global` names of the proc being converted.
    var globals: Set<String> = []
    var inProc = false
    /// What expect_before / expect_after handle (for the timeout and eof Expect ignores).
    var beforeHandles: Set<String> = []
    var afterHandles: Set<String> = []
    /// log_user as the script set it so far (Expect's default is 1).
    var logUser = true
    var spawned = false
    /// Inside a converted `for`: the statements of its "next" part, run before `continue`.
    var continueHook: [TclCommand]?

    init(sourceName: String) {
        self.sourceName = sourceName
    }

    /// Procs the converted script needs for Tcl commands amiscript has no built-in for
    /// (lsearch, Tcl's list text…), by name, written after the header.
    var helpers: [String: String] = [:]
    /// Where the helpers go: after the header lines.
    var headerEnd = 0

    func output() -> String {
        var all = lines
        let prelude = helpers.keys.sorted().flatMap { helpers[$0]!.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
        all.insert(contentsOf: prelude, at: headerEnd)
        return all.joined(separator: "\n") + "\n"
    }

    /// Calls a helper proc, adding it to the script the first time.
    func helper(_ name: String, _ source: String) -> String {
        helpers[name] = source
        return name
    }

    func header() {
        emit("#!/usr/bin/env amiscript")
        emit("# Converted from \(sourceName) by amiscript convert.")
        headerEnd = lines.count
        // Tcl arrays spring into being with their first element; amiscript's maps must
        // exist before an entry is set.
        for name in arrayVariables.sorted() { emit("set \(AmiscriptText.name(name)) {}") }
    }

    // MARK: Output

    func emit(_ line: String) {
        flushPending()
        emitNow(line)
    }

    func emitNow(_ line: String) {
        lines.append(String(repeating: "    ", count: depth) + line)
    }

    func flushPending() {
        let statements = pending
        pending = []
        for statement in statements { emitNow(statement) }
    }

    /// Records what was not translated: a note, and the Tcl text as a comment.
    func note(_ message: String, at line: Int, source: String? = nil) {
        // One line each: a message may quote Tcl text with line ends in it.
        let oneLine = Self.oneLine(message)
        notes.append(ExpectConverter.Note(line: line, message: oneLine))
        if let source {
            let sourceLines = source.split(separator: "\n", omittingEmptySubsequences: false)
            emitNow("# convert: \(oneLine)")
            for text in sourceLines { emitNow("# convert:   " + Self.oneLine(String(text))) }
        }
    }

    /// Text for a comment line: line ends and CRs written as \n and \r.
    static func oneLine(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\r": out += "\\r"
            case "\n": out += "\\n"
            case "\t": out += "\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value)
                || scalar.value == 0x2028 || scalar.value == 0x2029 || AmiscriptText.joinsNeighbours(scalar):
                out += "\\u{" + String(scalar.value, radix: 16) + "}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    func temporary(_ stem: String) -> String {
        temporaries += 1
        return "convert_\(stem)\(temporaries)"
    }

    // MARK: Walking

    /// A first look over the whole script: procs, and which variables are lists or arrays.
    /// A variable any list command reads (lindex, llength, foreach…) is a list everywhere.
    func prepare(_ script: TclScript) {
        // Twice: a proc that returns a list makes the variable set from it a list.
        visit(script, depth: 0)
        visit(script, depth: 0)
    }

    /// How deep blocks, command substitutions and expressions may nest: each level is read
    /// and converted on the stack, and hostile input must not exhaust it.
    static let maxNesting = 100
    var nesting = 0
    var reportedNesting = false

    /// Runs `body` one level deeper, or gives `fallback` (with one note) past the limit.
    func deeper<T>(_ fallback: T, line: Int, _ body: () -> T) -> T {
        guard nesting < Self.maxNesting else {
            if !reportedNesting {
                reportedNesting = true
                note("nested deeper than \(Self.maxNesting) levels: the inner levels are left out", at: line)
            }
            return fallback
        }
        nesting += 1
        defer { nesting -= 1 }
        return body()
    }

    private static let listArgument: [String: Int] = ["lindex": 0, "llength": 0, "lrange": 0, "join": 0, "lreverse": 0,
                                                       "foreach": 1, "lmap": 1, "lappend": 0]

    private func visit(_ script: TclScript, depth: Int) {
        guard depth < Self.maxNesting else { return }
        for command in script.commands {
            guard let name = command.words.first?.literal else { continue }
            let arguments = Array(command.words.dropFirst())
            switch name {
            case "proc" where arguments.count == 3 && depth == 0:
                // Only procs defined at the top level become amiscript procs.
                if let procName = arguments[0].literal, let params = arguments[1].literal {
                    let words = (try? TclParser.parseList(params)) ?? []
                    if procs[procName] == nil { procs[procName] = words.map { word in
                        let pair = word.literal.flatMap { try? TclParser.parseList($0) } ?? []
                        if pair.count == 2, let name = pair[0].literal { return Parameter(name: name, fallback: pair[1].literal) }
                        return Parameter(name: word.literal ?? word.source, fallback: nil)
                    } }
                    if let body = try? TclParser.parse(arguments[2].source) {
                        if Self.raisesError(body) { failingProcs.insert(procName) }
                        if returnsList(body) { listProcs.insert(procName) }
                    }
                }
            case "set" where arguments.count == 2, "incr", "append", "lappend":
                // Tcl arrays: a target `name(…)`.
                if case .text(let head)? = arguments.first?.parts.first ?? (arguments.first?.form == .braced ? .text(arguments[0].source) : nil),
                   let open = head.firstIndex(of: "("), open != head.startIndex {
                    arrayVariables.insert(String(head[..<open]))
                } else if name == "set", let target = arguments[0].literal, listValued(arguments[1]) {
                    listVariables.insert(target)
                }
            case "lsort", "concat":
                for word in arguments where !(word.literal?.hasPrefix("-") ?? false) { markList(word) }
            case "lsearch":
                // lsearch ?options? LIST PATTERN
                if arguments.count >= 2 { markList(arguments[arguments.count - 2]) }
            default:
                break
            }
            if let at = Self.listArgument[name], at < arguments.count { markList(arguments[at]) }
            if name == "lappend", let variable = arguments.first?.literal, !variable.contains("(") { listVariables.insert(variable) }
            if name == "foreach", arguments.count >= 3, arguments[0].literal?.contains(" ") == false {
                // foreach x $list: x is an item, the list is a list.
                markList(arguments[1])
            }
            // Inside: braced words that read as scripts, and command substitutions.
            for word in arguments {
                if word.form == .braced, let inner = try? TclParser.parse(word.source, firstLine: word.line) { visit(inner, depth: depth + 1) }
                for part in word.parts {
                    if case .command(let inner) = part { visit(inner, depth: depth + 1) }
                    if case .variable(_, let index?) = part {
                        for piece in index { if case .command(let inner) = piece { visit(inner, depth: depth + 1) } }
                    }
                }
            }
        }
    }

    private func markList(_ word: TclWord) {
        if word.parts.count == 1, case .variable(let name, nil) = word.parts[0] { listVariables.insert(name) }
    }

    /// True for a value that is a Tcl list: `[list …]`, `[lsort …]`, a list proc's result.
    private func listValued(_ word: TclWord) -> Bool {
        guard word.parts.count == 1, case .command(let inner) = word.parts[0],
              let first = inner.commands.last?.words.first?.literal else { return false }
        return Self.listCommandNames.contains(first) || listProcs.contains(first)
            || (first == "array" && inner.commands.last?.words.dropFirst().first?.literal == "names")
    }

    static let listCommandNames: Set<String> = ["list", "lsort", "lrange", "split", "lreverse", "concat", "lmap"]

    /// True when a proc's `return` hands back a list variable or a list command's result.
    private func returnsList(_ body: TclScript, depth: Int = 0) -> Bool {
        guard depth < Self.maxNesting else { return false }
        for command in body.commands {
            guard let name = command.words.first?.literal else { continue }
            if name == "return", let word = command.words.dropFirst().last {
                if listValued(word) { return true }
                if word.parts.count == 1, case .variable(let variable, nil) = word.parts[0], listVariables.contains(variable) { return true }
            }
            for word in command.words.dropFirst() where word.form == .braced {
                if let inner = try? TclParser.parse(word.source), returnsList(inner, depth: depth + 1) { return true }
            }
        }
        return false
    }

    /// True when a script runs `error` somewhere (in nested blocks too).
    static func raisesError(_ script: TclScript, depth: Int = 0) -> Bool {
        guard depth < maxNesting else { return false }
        for command in script.commands {
            guard let name = command.words.first?.literal else { continue }
            if name == "error" { return true }
            if name == "proc" || name == "catch" { continue }
            for word in command.words.dropFirst() where word.form == .braced {
                if let inner = try? TclParser.parse(word.source), raisesError(inner, depth: depth + 1) { return true }
            }
        }
        return false
    }

    /// Converts a script's commands at the current depth.
    func block(_ script: TclScript, topLevel: Bool = false) {
        deeper((), line: script.commands.first?.line ?? 0) { blockCommands(script, topLevel: topLevel) }
    }

    private func blockCommands(_ script: TclScript, topLevel: Bool) {
        var skipShebang = topLevel
        for command in script.commands {
            if skipShebang, let comment = command.comment, comment.hasPrefix("!") { skipShebang = false; continue }
            skipShebang = false
            statement(command)
        }
    }

    /// A braced body (or any word) read as a script and converted inside `{ }`.
    func body(_ word: TclWord, opening: String) {
        emit(opening + " {")
        depth += 1
        if let script = script(of: word) { block(script) }
        depth -= 1
        emitNow("}")
    }

    func script(of word: TclWord) -> TclScript? {
        guard nesting < Self.maxNesting else {
            return deeper(nil, line: word.line) { nil }
        }
        let text = word.form == .braced ? word.source : (word.literal ?? word.source)
        do {
            return try TclParser.parse(text, firstLine: word.line)
        } catch {
            note("cannot read this block as Tcl: \(error.message)", at: error.line, source: text)
            return nil
        }
    }

    /// The command as it was written, for `# convert:` comments.
    func sourceText(_ command: TclCommand) -> String {
        command.words.map { word in
            switch word.form {
            case .braced: return "{" + word.source + "}"
            case .quoted: return "\"" + word.source + "\""
            case .bare: return word.source
            }
        }.joined(separator: " ")
    }

    func untranslated(_ command: TclCommand, _ reason: String) {
        flushPending()
        note(reason, at: command.line, source: sourceText(command))
    }
}
