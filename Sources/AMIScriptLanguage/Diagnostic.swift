/// A problem found in a script, as data: where, what, and how bad. Rendering is separate.
public struct Diagnostic: Error, Sendable, Hashable, CustomStringConvertible {
    /// An error stops the script (or, under `--check`, makes it exit 65); a warning is a
    /// likely mistake that `--check` reports and `--strict` refuses.
    public enum Severity: String, Sendable, Hashable {
        case error, warning
    }

    public var location: SourceLocation
    public var message: String
    public var severity: Severity
    /// The word at the location is a secret: the quoted source line shows it as stars
    /// (a warning about a secret must not put it in a CI log).
    public var masksSecret = false

    public init(_ location: SourceLocation, _ message: String, severity: Severity = .error) {
        self.location = location
        self.message = message
        self.severity = severity
    }

    public var description: String { "\(location): \(severity.rawValue): \(message)" }

    /// `FILE:LINE:COL: error: MESSAGE` (or `warning:`), the source line, and a caret under the column.
    public func rendered(in source: SourceFile?) -> String {
        var text = description + "\n"
        if let source, location.sourceID == 0 ? location.file == source.name : location.sourceID == source.id {
            var line = source.line(location.line)
            if masksSecret { line = Self.maskingWord(in: line, at: location.column) }
            if !line.isEmpty || location.line <= source.lineStarts.count {
                let (shown, caretColumn) = Self.window(of: line, around: location.column)
                text += shown + "\n"
                // Tabs stay tabs so the caret lines up in a terminal.
                let pad = shown.prefix(max(0, caretColumn - 1)).map { $0 == "\t" ? "\t" : " " }.joined()
                text += pad + "^\n"
            }
        }
        return text
    }

    /// Characters of a quoted line kept on each side of the column: a long line (a
    /// generated script, one huge literal) is cut to a readable window with `…` at the cuts.
    static let quotedReach = 60

    /// The part of `line` to quote around `column`, and the caret's column in it.
    static func window(of line: String, around column: Int) -> (text: String, caretColumn: Int) {
        let characters = Array(line)
        guard characters.count > 2 * quotedReach + 20 else { return (line, column) }
        let index = min(max(0, column - 1), characters.count)
        let start = max(0, index - quotedReach)
        let end = min(characters.count, index + quotedReach)
        let head = start > 0 ? "…" : ""
        let tail = end < characters.count ? "…" : ""
        return (head + String(characters[start..<end]) + tail, index - start + head.count + 1)
    }

    /// The line with the word at `column` (a quoted string's inside, or a bare word up to
    /// the next blank) replaced by stars.
    static func maskingWord(in line: String, at column: Int) -> String {
        var characters = Array(line)
        var index = max(0, column - 1)
        guard index < characters.count else { return line }
        var end: Character? = nil
        if characters[index] == "\"" || characters[index] == "'" {
            end = characters[index]
            index += 1
        }
        while index < characters.count {
            if let end, characters[index] == end { break }
            if end == nil, characters[index] == " " || characters[index] == "\t" { break }
            if end != nil, characters[index] == "\\", index + 1 < characters.count { characters[index] = "*"; index += 1 }
            characters[index] = "*"
            index += 1
        }
        return String(characters)
    }
}
