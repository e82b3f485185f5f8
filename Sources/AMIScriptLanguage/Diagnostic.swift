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
            // A secret written in the line stays out of the message (and of a CI log).
            line = SecretMasking.maskedSourceLine(line)
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
}
