import CEditLine
import CommandLineSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// libedit's readline interface in callback mode: the REPL's loop hands it characters
/// when the terminal has some, and can print above the line being edited.
///
/// libedit keeps one editor per process and calls back through plain C function
/// pointers, so the state they reach is process-wide; the REPL is the only user.
final class LineEditor {
    /// What the C callbacks hand over.
    nonisolated(unsafe) fileprivate static var completedLine: String??
    nonisolated(unsafe) fileprivate static var completer: ((String, String) -> [String])?
    nonisolated(unsafe) fileprivate static var candidates: [String] = []

    private(set) var prompt = ""
    private var installed = false

    init(completer: @escaping (_ line: String, _ word: String) -> [String]) {
        LineEditor.completer = completer
        Self.useUTF8Characters()
        // Completion words end at blanks and at the quote/paren/= of a header value.
        // Signals stay with the REPL (Ctrl-C abandons a wait; the line is cleared here).
        amiscript_rl_setup(strdup("amiscript"), strdup(" \t\n\"'(=,")) { text, _, _ in
            LineEditor.complete(text)
        }
    }

    /// libedit decodes typed bytes into characters by the C library's LC_CTYPE, and a
    /// process starts in the "C" locale, where a byte above 127 is no character: typed
    /// "hé ✓" came out as "h ". Take the user's locale; when it is not UTF-8 (LANG unset,
    /// or "C"), C.UTF-8, which every glibc has: AMI text is UTF-8 whatever the terminal says.
    private static func useUTF8Characters() {
        if setlocale(LC_CTYPE, "") != nil, let codeset = nl_langinfo(nl_item(CODESET)), String(cString: codeset) == "UTF-8" { return }
        _ = setlocale(LC_CTYPE, "C.UTF-8")
    }

    /// Shows the prompt and starts taking a line.
    func start(prompt: String) {
        self.prompt = prompt
        LineEditor.completedLine = nil
        rl_callback_handler_install(prompt) { line in
            if let line {
                LineEditor.completedLine = .some(String(cString: line))
                free(line)
            } else {
                LineEditor.completedLine = .some(nil)  // Ctrl-D on an empty line
            }
            // No new prompt until the REPL has run the line and asks for one.
            rl_callback_handler_remove()
        }
        installed = true
    }

    /// Feeds the characters waiting on the terminal; returns a completed line (nil inside
    /// means end of input), or nil when the line is still being typed.
    func readAvailable() -> String?? {
        rl_callback_read_char()
        guard let line = LineEditor.completedLine else { return nil }
        LineEditor.completedLine = nil
        installed = false
        return line
    }

    /// Prints text above the prompt, then redraws the prompt and the half-typed line.
    func printAbove(_ text: String) {
        guard installed else {
            write(text)
            return
        }
        // Clear the terminal line, print, and let libedit redraw the prompt and the
        // half-typed line (its buffer is never touched, so nothing typed is lost).
        write("\r\u{1B}[K" + text)
        rl_forced_update_display()
    }

    /// Ctrl-C at the prompt: drop what was typed. The handler goes too, so the next
    /// `start` shows its own prompt (redrawing here showed the old one: `...> ` stayed
    /// after the unfinished block it belonged to was dropped).
    func discardLine() {
        guard installed else { return }
        rl_replace_line("", 0)
        write("^C\n")
        rl_callback_handler_remove()
        installed = false
    }

    func stop() {
        if installed { rl_callback_handler_remove() }
        installed = false
    }

    private func write(_ text: String) {
        StandardStreams.writeOutput(text)
    }

    // MARK: Completion

    private static func complete(_ text: UnsafePointer<CChar>?) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        let word = text.map { String(cString: $0) } ?? ""
        let line = amiscript_rl_line_buffer().map { String(cString: $0) } ?? ""
        let prefix = String(line.prefix(max(0, Int(amiscript_rl_point()) - word.count)))
        candidates = completer?(prefix, word) ?? []
        // Never fall back to file names.
        amiscript_rl_completion_over()
        // `Mailbox=`, `len(` and `$response` (then `.Field`) go on without a blank.
        let isVariable = word.hasPrefix("$") || prefix.hasSuffix("$")
        let glued = isVariable || candidates.allSatisfy { $0.hasSuffix("=") || $0.hasSuffix("(") }
        amiscript_rl_set_append_character(glued ? 0 : 32)
        if candidates.isEmpty { return nil }
        return rl_completion_matches(text) { _, state in
            if state == 0 { LineEditor.cursor = 0 }
            guard LineEditor.cursor < LineEditor.candidates.count else { return nil }
            defer { LineEditor.cursor += 1 }
            return strdup(LineEditor.candidates[LineEditor.cursor])
        }
    }

    nonisolated(unsafe) private static var cursor = 0
}
