/// A runtime error: where, what, and the exit code it ends the script with
/// (LANGUAGE.md: 1 runtime error, 69 connection, 77 login, 124 timeout).
public struct ScriptError: Error, Sendable, Hashable {
    public var diagnostic: Diagnostic
    public var exitCode: Int32

    public init(_ location: SourceLocation, _ message: String, exitCode: Int32 = ExitCode.runtimeError) {
        diagnostic = Diagnostic(location, message)
        self.exitCode = exitCode
    }
}

/// The exit codes of LANGUAGE.md, by name.
public enum ExitCode {
    public static let success: Int32 = 0
    public static let runtimeError: Int32 = 1
    public static let usage: Int32 = 64
    public static let parseError: Int32 = 65
    public static let connection: Int32 = 69
    public static let loginFailed: Int32 = 77
    public static let timeout: Int32 = 124
    /// Ctrl-C (128 + SIGINT), as shells report it.
    public static let interrupted: Int32 = 130
}

/// Non-local exits of the interpreter, carried as Swift errors.
enum ControlFlow: Error {
    case breakLoop
    case continueLoop
    case returnValue(Value)
    case exit(Int32)
    /// Wait again; `keepTimer`: without restarting the expect's timeout.
    case expContinue(keepTimer: Bool)
}

/// Where a script's output goes. The interpreter never prints by itself.
public protocol ScriptOutput: AnyObject {
    func writeOutput(_ text: String)
    func writeError(_ text: String)
    /// Reads a line without echo (the `secret()` built-in); nil when there is no terminal.
    func readSecret(prompt: String) -> String?
}

/// Values that must never reach a trace, a log or an echo.
public enum SecretMasking {
    /// `Secret: x` and `Key: x` lines with the value replaced.
    public static func masked(_ text: String) -> String {
        guard text.range(of: "ecret") != nil || text.range(of: "ey:") != nil || text.range(of: "EY:") != nil else { return text }
        var output = ""
        var lineStart = true
        var index = text.startIndex
        while index < text.endIndex {
            if lineStart {
                let rest = text[index...]
                for name in ["secret:", "key:"] {
                    if rest.prefix(name.count).lowercased() == name {
                        output += rest.prefix(name.count) + " ********"
                        var end = rest.index(rest.startIndex, offsetBy: name.count)
                        while end < text.endIndex, text[end] != "\r", text[end] != "\n", text[end] != "\r\n" { end = text.index(after: end) }
                        index = end
                        break
                    }
                }
                if index >= text.endIndex { break }
            }
            let character = text[index]
            output.append(character)
            lineStart = character.isNewline
            index = text.index(after: index)
        }
        return output
    }
}

extension String {
    func range(of target: String) -> Range<String.Index>? {
        Substring(self).range(of: target)
    }
}
