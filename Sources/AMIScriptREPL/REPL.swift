import AMIProtocol
import CommandLineSupport
import AMIScriptLanguage
import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The interactive REPL: the interpreter of scripts, one input at a time, on a libedit
/// line; raw packets as in a telnet session; `Action Header=value` shorthand; events
/// shown above the prompt while the user types.
public final class REPL {
    private let interpreter: Interpreter
    private let history: HistoryFile
    private var editor: LineEditor!
    private var assembler = InputAssembler()
    private var serverActions: [String] = []
    private var actionsFetchedFor: String?
    private var showEvents = true
    private var eventFilter: [String] = []
    private let signals = SignalState()
    private var signalSource: DispatchSourceSignal?
    private var exitCode: Int32?
    /// Every input run so far, by `SourceFile.id`, to quote the line an error points at.
    private var sources: [Int: SourceFile] = [:]
    /// A raw packet with a line that is no header, waiting for the user's yes.
    private var unconfirmedPacket: [String]?
    /// `--json` or `set json on`: packets are shown as JSON lines instead of blocks.
    private var showJSON: Bool
    /// Entered by a script's `interact`: Ctrl-D or `return` goes back to the script.
    private var interacting = false
    private var returnToScript = false

    /// `script`: the script the interpreter ran (`interact`, `-i`), to quote its lines in
    /// errors from its procs and handlers.
    public init(interpreter: Interpreter, environment: [String: String], json: Bool = false, script: SourceFile? = nil) {
        self.interpreter = interpreter
        if let script { sources[script.id] = script }
        self.history = HistoryFile(path: HistoryFile.defaultPath(environment: environment))
        self.showJSON = json
    }

    private var prompt: String {
        if unconfirmedPacket != nil { return "send it anyway? [y/N] " }
        if !assembler.isEmpty { return "...> " }
        if let label = interpreter.connectionLabel { return "ami \(label)> " }
        return "ami> "
    }

    /// A script's `interact`: the REPL on the script's state until Ctrl-D or `return`
    /// (nil: go on with the script) or `exit` (its code: the script ends with it).
    public func interact() async -> Int32? {
        interacting = true
        let code = await run()
        // The script goes on: Ctrl-C is the script's again.
        signal(SIGINT, SIG_DFL)
        return returnToScript ? nil : code
    }

    /// Runs until Ctrl-D or `exit`; returns the exit code (0, or `exit`'s).
    public func run() async -> Int32 {
        editor = LineEditor { [unowned self] line, word in self.completions(line: line, word: word) }
        history.load()
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        let signals = self.signals
        source.setEventHandler { signals.interrupt() }
        source.resume()
        signalSource = source
        if interpreter.interactHook == nil {
            // `interact` typed here (or in a proc run from here): this is the session already.
            interpreter.interactHook = { _ in
                StandardStreams.writeOutput("interact: this is the interactive session already; going on\n")
                return nil
            }
        }
        if interacting {
            write("interact: the script's session. Ctrl-D or 'return' goes back to the script; 'exit' ends it.\n")
        } else {
            write("amiscript \(AMIScriptVersion.string) REPL. Type help for help; Ctrl-D quits.\n")
        }
        editor.start(prompt: prompt)
        while exitCode == nil, !returnToScript {
            if signals.takeInterruptAtPrompt() {
                assembler.reset()
                editor.discardLine()
                editor.start(prompt: prompt)
            }
            if await waitForTerminal(milliseconds: 50) {
                if let typed = editor.readAvailable() {
                    guard let line = typed else {  // Ctrl-D
                        returnToScript = interacting
                        break
                    }
                    if let packet = unconfirmedPacket {
                        unconfirmedPacket = nil
                        if ["y", "yes"].contains(line.trimmingBlanks.lowercased()) {
                            await run(.packet(packet), confirmed: true)
                        } else {
                            write("not sent\n")
                        }
                    } else {
                        history.record(line)
                        if let unit = assembler.add(line) { await run(unit) }
                    }
                    if exitCode == nil, !returnToScript { editor.start(prompt: prompt) }
                    continue
                }
            }
            await showArrivals()
        }
        editor.stop()
        if exitCode == nil { write("\n") }
        if !interacting { await interpreter.finish() }
        source.cancel()
        return exitCode ?? 0
    }

    /// Waits on another thread, so the thread that runs the sockets (and, in amiscript,
    /// the tasks) is never blocked by the terminal.
    private func waitForTerminal(milliseconds: Int32) async -> Bool {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var descriptor = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
                continuation.resume(returning: poll(&descriptor, 1, milliseconds) > 0)
            }
        }
    }

    // MARK: Running input

    private func run(_ unit: InputAssembler.Unit, confirmed: Bool = false) async {
        if case .packet(let lines) = unit, !confirmed, let odd = lines.first(where: { !$0.contains(":") }) {
            // Asterisk would read such a line as nothing, or as part of another header.
            write("'\(odd)' has no colon: it is not a header (a header is Name: value)\n")
            unconfirmedPacket = lines
            return
        }
        interpreter.collectArrivals()
        defer { showEarlyEvents(interpreter.takeArrivals()) }
        switch unit {
        case .packet(let lines):
            await runPacket(lines)
        case .code(let text):
            if await runCommand(text) { return }
            if Self.isShorthand(text), let unknown = unknownAction(in: text) {
                write(unknown)
            } else {
                await runCode(text, asShorthand: Self.isShorthand(text))
            }
        }
        await refreshActionNames()
    }

    /// A shorthand's action that the server's ListCommands does not have: the message,
    /// with the nearest names (nothing is sent). Nil when the server has it or was not asked.
    private func unknownAction(in text: String) -> String? {
        guard !serverActions.isEmpty, let name = text.split(separator: " ").first.map(String.init),
              !serverActions.contains(where: { AMIHeader.namesEqual($0, name) }) else { return nil }
        var message = "the server has no action '\(name)' (not sent)"
        if let hint = Suggestions.didYouMean(name, in: serverActions) { message += ": \(hint)" }
        return message + "\n"
    }

    /// `Ping`, `MailboxCount Mailbox=123@default`: an action name first (capitalized, not
    /// a statement, not a header line) makes the line an `action`.
    static func isShorthand(_ text: String) -> Bool {
        guard !text.contains("\n"), let first = text.split(separator: " ").first,
              let initial = first.first, initial.isUppercase,
              first.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return false }
        return true
    }

    /// Parses and runs typed code; a shorthand action is parsed as such (its diagnostics
    /// point into the text as typed) and its response is shown.
    private func runCode(_ text: String, asShorthand showResult: Bool) async {
        let source = SourceFile(name: "repl", text: text)
        sources[source.id] = source
        let (script, diagnostics) = showResult ? Parser.parseActionShorthand(source) : Parser.parse(source)
        if !diagnostics.isEmpty {
            for diagnostic in diagnostics { write(diagnostic.rendered(in: source)) }
            return
        }
        let statements = script.statements
        // The errors of --check, against what the lines before defined, stop the line
        // before any of it runs. Its warnings are left out: a secret typed at `login` is how
        // the REPL is used, and a variable that is not set fails at once anyway.
        let errors = StaticChecks.check(statements, context: interpreter.checkContext).filter { $0.severity == .error }
        if !errors.isEmpty {
            for error in errors { write(error.rendered(in: source)) }
            return
        }
        let before = interpreter.lastActionResult?.response.streamRange
        let box = InterpreterBox(interpreter: interpreter)
        let outcome = await interruptible { await box.interpreter.runInteractive(statements) }
        switch outcome {
        case .finished:
            if showResult, let result = interpreter.lastActionResult, result.response.streamRange != before || before == nil {
                write(formatted(response: result.response, events: result.events))
            }
        case .exited(let code):
            exitCode = code
        case .failed(let error):
            if error.exitCode == ExitCode.interrupted {
                write("interrupted\n")
            } else {
                write(rendered(error))
            }
        }
    }

    /// An error with the line it happened on: in the input just typed, or in the earlier
    /// one that defined the proc or handler it came from.
    private func rendered(_ error: ScriptError) -> String {
        error.diagnostic.rendered(in: sources[error.diagnostic.location.sourceID])
    }

    /// A raw packet: with an `Action:` header it is sent as that action (its response
    /// printed); without, its text is sent as it is.
    private func runPacket(_ lines: [String]) async {
        var headers: [AMIHeader] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let value = line[line.index(after: colon)...].drop(while: { $0 == " " || $0 == "\t" })
            headers.append(AMIHeader(String(line[..<colon]), String(value)))
        }
        let interpreter = self.interpreter
        guard interpreter.connectionLabel != nil else {
            write("not connected: type 'connect' (or 'connect HOST PORT') first\n")
            return
        }
        guard let action = headers.first(where: { $0.hasName("Action") }) else {
            _ = await interpreter.sendRaw(lines.joined(separator: "\r\n") + "\r\n\r\n")
            return
        }
        let headerList = headers.filter { !$0.hasName("Action") }
        let box = InterpreterBox(interpreter: interpreter)
        let result: Result<AMIActionResult, ScriptError> = await interruptible {
            do {
                return .success(try await box.interpreter.interactiveAction(action.value, headerList, at: SourceLocation(file: "repl", line: 1, column: 1)))
            } catch let error as ScriptError {
                return .failure(error)
            } catch {
                return .failure(ScriptError(SourceLocation(file: "repl", line: 1, column: 1), "\(error)"))
            }
        }
        switch result {
        case .success(let outcome):
            write(formatted(response: outcome.response, events: outcome.events))
        case .failure(let error):
            write(error.exitCode == ExitCode.interrupted ? "interrupted\n" : "error: \(error.diagnostic.message)\n")
        }
    }

    /// An action's answer as the user asked to see it: blocks and tables, or JSON lines.
    private func formatted(response: AMIPacket, events: [AMIPacket]) -> String {
        guard showJSON else { return ResponseFormatter.result(response: response, events: events) }
        return ([response] + events).map(ResponseFormatter.jsonLine).joined()
    }

    /// Runs work in a task that Ctrl-C cancels.
    private func interruptible<T: Sendable>(_ work: @escaping @Sendable () async -> T) async -> T {
        let task = Task { await work() }
        signals.running(task)
        let value = await task.value
        signals.finished()
        return value
    }

    // MARK: REPL commands

    /// `help`, `help ACTION`, `events ...`: true when the input was one of them.
    private func runCommand(_ text: String) async -> Bool {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let first = words.first else { return true }
        switch first {
        case "return" where interacting && words.count == 1:
            returnToScript = true
            return true
        case "help":
            if words.count == 1 {
                write(Self.helpText)
            } else {
                await help(action: words[1])
            }
            return true
        case "set" where words.count == 3 && words[1] == "json" && ["on", "off"].contains(words[2]):
            showJSON = words[2] == "on"
            return true
        case "events":
            if words.count == 1 {
                let filter = eventFilter.isEmpty ? "all events" : eventFilter.joined(separator: ", ")
                write("events are \(showEvents ? "shown" : "hidden") (\(filter))\n")
            } else if words[1] == "on" {
                showEvents = true
                eventFilter = []
            } else if words[1] == "off" {
                showEvents = false
            } else {
                showEvents = true
                eventFilter = Array(words.dropFirst())
            }
            return true
        default:
            return false
        }
    }

    /// The built-ins, wrapped to the help text's column (help NAME tells one).
    static let functionList: String = {
        var lines: [String] = [""]
        for name in Builtins.orderedNames + ["(help NAME for one)"] {
            if lines[lines.count - 1].count + name.count + 1 > 70 { lines.append("") }
            lines[lines.count - 1] += (lines[lines.count - 1].isEmpty ? "" : " ") + name
        }
        return lines.joined(separator: "\n             ")
    }()

    static let helpText = """
        Statements (see docs/language.md): set print send_user send_error connect send expect
          expect_before expect_after exp_continue login action command close if/elif/else
          while for break continue proc return sleep exit log_user log_file unset
          on event / off event (handlers) interact reconnect
        Functions:   \(functionList)
        Raw packet:  Action: MailboxCount      (header lines, then an empty line sends it)
                     Mailbox: 123@default
        Shorthand:   Ping   /   MailboxCount Mailbox=123@default   (an action; its response is shown)
        REPL:        help ACTION          the action's synopsis and headers
                     help STATEMENT       the statement's forms (help expect, help substr)
                     events on|off        show or hide events that arrive while you type
                     events NAME...       show only these events
                     set json on|off      show responses, list entries and events as JSON lines
        Keys:        Tab completes; Ctrl-C abandons a waiting expect/action or the typed line;
                     Ctrl-D logs off and quits. History: ~/.amiscript_history (AMISCRIPT_HISTORY).

        """

    /// `help WORD`: a statement of the language, or an action — from the server's
    /// `manager show command` when it documents it, else from the built-in table (an
    /// Asterisk built without XML docs answers with an empty synopsis and no headers).
    private func help(action name: String) async {
        if let text = StatementHelp.text(for: name) {
            write(text)
            return
        }
        var serverKnows: Bool?
        if interpreter.connectionLabel?.contains("@") == true,
           let outcome = await interpreter.silentAction("Command", [AMIHeader("Command", "manager show command \(name)")]),
           !outcome.response.isError {
            let lines = outcome.response.commandOutput
            if lines.first?.hasPrefix("No manager action") == true {
                serverKnows = false
            } else if !lines.isEmpty {
                serverKnows = true
                if Self.isDocumented(lines) {
                    write(lines.joined(separator: "\n") + "\n")
                    return
                }
            }
        }
        guard let known = AMIActionCatalog.action(named: name) else {
            var text: String
            switch serverKnows {
            case true?:
                text = "the server knows '\(name)' but gives no documentation for it (an Asterisk built without XML docs), and the built-in list does not have it\n"
            case false?:
                text = "no action or statement named '\(name)', on this server or in the built-in list"
            case nil:
                text = "no action or statement named '\(name)' in the built-in list (connect and log in to ask the server)"
            }
            if serverKnows != true {
                let names = serverActions + AMIActionCatalog.all.map(\.name) + LanguageWords.statements
                if let hint = Suggestions.didYouMean(name, in: names) { text += ": \(hint)" }
                text += "\n"
            }
            write(text)
            return
        }
        var text = ""
        if serverKnows == true { text += "(the server gives no documentation for \(known.name); from the built-in list)\n" }
        if serverKnows == false { text += "(this server has no action \(known.name): is its module loaded? From the built-in list)\n" }
        text += "[Synopsis]\n\(known.synopsis)\n\n[Syntax]\nAction: \(known.name)\n[ActionID:] <value>\n"
        text += known.headers.map { "\($0): <value>\n" }.joined()
        write(text)
    }

    /// An answer of `manager show command` that says something: a synopsis and syntax.
    static func isDocumented(_ lines: [String]) -> Bool {
        guard let synopsis = lines.firstIndex(of: "[Synopsis]"), synopsis + 1 < lines.count else { return false }
        return !lines[synopsis + 1].trimmingBlanks.isEmpty && lines.contains("[Syntax]")
    }

    // MARK: Arrivals

    /// The events that came while an input ran — with its response or right after it
    /// (FullyBooted and SuccessfulAuth after a Login) — shown after its result, a blank
    /// line between blocks. They also stay in the expect buffer. An action's own list
    /// entries were shown with its result and are left out.
    private func showEarlyEvents(_ arrivals: (packets: [AMIPacket], more: Int)) {
        guard showEvents else { return }
        let packets = arrivals.packets
        var own = Set<Int64>()
        if let outcome = interpreter.lastActionResult {
            for packet in [outcome.response] + outcome.events { own.insert(packet.streamRange.lowerBound) }
        }
        var text = ""
        for packet in packets {
            guard let name = packet.eventName else { continue }
            if own.contains(packet.streamRange.lowerBound) { continue }
            if !eventFilter.isEmpty, !eventFilter.contains(where: { AMIHeader.namesEqual($0, name) }) { continue }
            text += showJSON ? ResponseFormatter.jsonLine(packet) : "\n" + ResponseFormatter.block(packet)
        }
        if arrivals.more > 0, !showJSON { text += "\n(\(arrivals.more) more packets came meanwhile; they are in the expect buffer)\n" }
        write(text)
    }

    /// Prints the events (and stray responses) that arrived, above the prompt.
    private func showArrivals() async {
        let idle = await interpreter.pollIdle()
        var text = ""
        for packet in idle.packets where showEvents {
            if let name = packet.eventName, !eventFilter.isEmpty,
               !eventFilter.contains(where: { AMIHeader.namesEqual($0, name) }) { continue }
            text += showJSON ? ResponseFormatter.jsonLine(packet) : ResponseFormatter.block(packet) + "\n"
        }
        if idle.more > 0, showEvents, !showJSON { text += "(\(idle.more) more packets came meanwhile; they are in the expect buffer)\n" }
        if let error = idle.error {
            text += rendered(error)
        }
        if let reason = idle.ended {
            text += "connection closed: \(reason)\n"
            actionsFetchedFor = nil
        }
        guard !text.isEmpty else { return }
        editor.printAbove(text)
        if idle.ended != nil { editor.start(prompt: prompt) }
    }

    /// After a login, the server's own action list feeds completion.
    private func refreshActionNames() async {
        guard let label = interpreter.connectionLabel, label.contains("@"), actionsFetchedFor != label else { return }
        actionsFetchedFor = label
        guard let outcome = await interpreter.silentAction("ListCommands", []), !outcome.response.isError else { return }
        serverActions = outcome.response.headers.map(\.name)
            .filter { !["response", "actionid", "message"].contains($0.lowercased()) }
    }

    // MARK: Completion

    func completions(line: String, word: String) -> [String] {
        let actions = serverActions.isEmpty ? AMIActionCatalog.all.map(\.name) : serverActions
        // libedit may split the word at `$` (its own word breaks) or keep it in the word.
        if word.hasPrefix("$") || line.hasSuffix("$") {
            let names = Array(Set(interpreter.variableNames + ["response", "events", "event", "output", "banner", "before"])).sorted()
            let sigil = word.hasPrefix("$") ? "$" : ""
            return names.map { sigil + $0 }.filter { $0.hasPrefix(word) }
        }
        let before = line.trimmingBlanks
        if before.isEmpty {
            let words = LanguageWords.statements + LanguageWords.replCommands + actions + interpreter.procNames.map { $0 + "(" }
            return words.filter { $0.lowercased().hasPrefix(word.lowercased()) }.sorted()
        }
        let first = before.split(separator: " ").first.map(String.init) ?? ""
        var actionName: String?
        if first == "action" {
            actionName = before.split(separator: " ").dropFirst().first.map(String.init)
            if actionName == nil {
                return actions.filter { $0.lowercased().hasPrefix(word.lowercased()) }.sorted()
            }
        } else if first == "help" {
            return actions.filter { $0.lowercased().hasPrefix(word.lowercased()) }.sorted()
        } else if actions.contains(where: { $0.lowercased() == first.lowercased() }) {
            actionName = first
        }
        if let actionName, let known = AMIActionCatalog.action(named: actionName) {
            let used = Set(line.split(separator: " ").compactMap { $0.split(separator: "=").first.map { $0.lowercased() } })
            return (known.headers + ["ActionID"]).filter { !used.contains($0.lowercased()) }
                .filter { $0.lowercased().hasPrefix(word.lowercased()) }.map { $0 + "=" }
        }
        return (LanguageWords.builtins + interpreter.procNames.map { $0 + "(" })
            .filter { $0.hasPrefix(word) }.sorted()
    }

    private func write(_ text: String) {
        StandardStreams.writeOutput(text)
    }
}

/// Hands the interpreter to the task that runs one input. Safe because the REPL's loop
/// awaits that task before it touches the interpreter again: one user at a time.
struct InterpreterBox: @unchecked Sendable {
    let interpreter: Interpreter
}

/// Ctrl-C: cancels the running input, or (at the prompt) asks the loop to drop the line.
final class SignalState: Sendable {
    private struct State {
        var task: Task<Void, Never>?
        var cancel: (@Sendable () -> Void)?
        var interruptAtPrompt = false
    }
    private let state = Mutex(State())

    func running<T: Sendable>(_ task: Task<T, Never>) {
        state.withLock { $0.cancel = { task.cancel() } }
    }

    func finished() {
        state.withLock { $0.cancel = nil }
    }

    func interrupt() {
        let cancel = state.withLock { state -> (@Sendable () -> Void)? in
            if state.cancel == nil { state.interruptAtPrompt = true }
            return state.cancel
        }
        cancel?()
    }

    func takeInterruptAtPrompt() -> Bool {
        state.withLock { state in
            defer { state.interruptAtPrompt = false }
            return state.interruptAtPrompt
        }
    }
}
