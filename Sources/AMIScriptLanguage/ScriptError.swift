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
    /// A line of a script as an error quotes it, with the secrets written in it as stars
    /// (the same length, so a caret still points where it did): the SECRET of `login USER
    /// SECRET` when written out, and the value of a `Secret=`/`Key=` header.
    public static func maskedSourceLine(_ line: String) -> String {
        let lower = line.lowercased()
        guard lower.contains("login") || lower.contains("secret") || lower.contains("key") else { return line }
        var characters = Array(line)
        let folded = Array(lower)
        func isWordCharacter(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }
        func skipBlanks(_ i: inout Int) { while i < characters.count, characters[i] == " " || characters[i] == "\t" { i += 1 } }
        /// The token at `i` (a quoted string or a bare word); masks it when `mask`; moves past it.
        func token(_ i: inout Int, mask: Bool) -> String {
            let start = i
            if i < characters.count, characters[i] == "\"" || characters[i] == "'" {
                let quote = characters[i]
                i += 1
                while i < characters.count, characters[i] != quote {
                    if characters[i] == "\\" { if mask { characters[i] = "*" }; i += 1 }
                    if i < characters.count { if mask { characters[i] = "*" }; i += 1 }
                }
                if i < characters.count { i += 1 }
            } else {
                // A bare value ends at a blank, a statement's end, or (inside a string) a
                // quote or an escape: `send "Secret: x\r\n"`.
                while i < characters.count, !" \t;{}\"'\\".contains(characters[i]) {
                    if mask { characters[i] = "*" }
                    i += 1
                }
            }
            return String(folded[start..<min(i, folded.count)])
        }
        var i = 0
        while i < characters.count {
            let atWordStart = i == 0 || !isWordCharacter(characters[i - 1])
            // `login` as a statement: first on the line, or after `;`, `{` or `}`.
            var before = i - 1
            while before >= 0, characters[before] == " " || characters[before] == "\t" { before -= 1 }
            let startsStatement = before < 0 || ";{}".contains(characters[before])
            if startsStatement, folded[i...].starts(with: "login"), i + 5 < characters.count, characters[i + 5] == " " || characters[i + 5] == "\t" {
                var j = i + 5
                skipBlanks(&j)
                let user = token(&j, mask: false)
                skipBlanks(&j)
                var probe = j
                let next = token(&probe, mask: false)
                let keywords = ["md5", "events", "else"]
                let written = !user.isEmpty && !next.isEmpty && !keywords.contains(user) && !keywords.contains(next)
                    && !next.hasPrefix("$") && !next.contains("(")
                if written { _ = token(&j, mask: true) }
                i = max(j, i + 5)
                continue
            }
            for name in ["secret=", "secret:", "key=", "key:"] where atWordStart && folded[i...].starts(with: name) {
                var j = i + name.count
                skipBlanks(&j)
                let probe = j
                var look = probe
                let value = token(&look, mask: false)
                if !value.isEmpty, !value.hasPrefix("$"), !value.contains("(") { _ = token(&j, mask: true) }
                i = max(j, i + name.count) - 1
                break
            }
            i += 1
        }
        return String(characters)
    }

    /// The headers whose values are masked on the wire, as a line starts (lowercase):
    /// `masked` and `SecretMaskingStream` go by them.
    public static let maskedHeaderPrefixes = ["secret:", "key:"]

    /// `Secret: x` and `Key: x` lines with the value replaced.
    public static func masked(_ text: String) -> String {
        guard mayHoldMaskedHeader(text) else { return text }
        var output = ""
        var lineStart = true
        var index = text.startIndex
        while index < text.endIndex {
            if lineStart {
                let rest = text[index...]
                for name in maskedHeaderPrefixes {
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

extension SecretMasking {
    /// A quick look before the line-by-line pass: `ecret` or `ey:` in any case (a
    /// `SECRET:` line alone must be masked too).
    static func mayHoldMaskedHeader(_ text: String) -> Bool {
        let bytes = text.utf8
        var index = bytes.startIndex
        func lower(_ byte: UInt8) -> UInt8 { byte >= 65 && byte <= 90 ? byte | 0x20 : byte }
        func follows(_ word: StaticString, at start: String.UTF8View.Index) -> Bool {
            var position = start
            for expected in UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount) {
                guard position < bytes.endIndex, lower(bytes[position]) == expected else { return false }
                position = bytes.index(after: position)
            }
            return true
        }
        while index < bytes.endIndex {
            if lower(bytes[index]) == UInt8(ascii: "e") {
                let next = bytes.index(after: index)
                if follows("cret", at: next) || follows("y:", at: next) { return true }
            }
            index = bytes.index(after: index)
        }
        return false
    }
}

extension String {
    func range(of target: String) -> Range<String.Index>? {
        Substring(self).range(of: target)
    }
}
