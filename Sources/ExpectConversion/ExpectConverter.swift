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
    /// Procs of the script and their parameters.
    var procs: [String: [String]] = [:]
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

    func output() -> String {
        lines.joined(separator: "\n") + "\n"
    }

    func header() {
        emit("#!/usr/bin/env amiscript")
        emit("# Converted from \(sourceName) by amiscript convert.")
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
        notes.append(ExpectConverter.Note(line: line, message: message))
        if let source {
            let sourceLines = source.split(separator: "\n", omittingEmptySubsequences: false)
            emitNow("# convert: \(message)")
            for text in sourceLines { emitNow("# convert:   " + text) }
        }
    }

    func temporary(_ stem: String) -> String {
        temporaries += 1
        return "convert_\(stem)\(temporaries)"
    }

    // MARK: Walking

    /// A first look over the whole script: procs, and which variables are lists or arrays.
    func prepare(_ script: TclScript) {
        for command in script.commands {
            guard let name = command.words.first?.literal else { continue }
            let arguments = Array(command.words.dropFirst())
            switch name {
            case "proc" where arguments.count == 3:
                if let procName = arguments[0].literal, let params = arguments[1].literal {
                    let words = (try? TclParser.parseList(params)) ?? []
                    procs[procName] = words.compactMap { $0.literal }
                }
            case "lappend":
                if let variable = arguments.first?.literal { listVariables.insert(variable) }
            case "foreach" where arguments.count >= 3:
                if case .variable(let variable, nil)? = arguments[arguments.count - 2].parts.first,
                   arguments[arguments.count - 2].parts.count == 1 {
                    listVariables.insert(variable)
                }
            case "set" where arguments.count == 2:
                if let target = arguments[0].literal, let open = target.firstIndex(of: "("), target.hasSuffix(")") {
                    arrayVariables.insert(String(target[..<open]))
                } else if let target = arguments[0].literal, case .command(let inner)? = arguments[1].parts.first,
                          arguments[1].parts.count == 1, let first = inner.commands.last?.words.first?.literal,
                          ["list", "lsort", "lrange", "split", "lreverse", "concat"].contains(first) {
                    listVariables.insert(target)
                }
            default: break
            }
            // Bodies: braced words that read as scripts.
            for word in arguments where word.form == .braced && word.source.contains("\n") {
                if let inner = try? TclParser.parse(word.source, firstLine: word.line) { prepare(inner) }
            }
        }
    }

    /// Converts a script's commands at the current depth.
    func block(_ script: TclScript, topLevel: Bool = false) {
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
