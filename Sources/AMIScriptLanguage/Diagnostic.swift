/// An error found in a script, as data: where, and what. Rendering is separate.
public struct Diagnostic: Error, Sendable, Hashable, CustomStringConvertible {
    public var location: SourceLocation
    public var message: String

    public init(_ location: SourceLocation, _ message: String) {
        self.location = location
        self.message = message
    }

    public var description: String { "\(location): error: \(message)" }

    /// `FILE:LINE:COL: error: MESSAGE`, the source line, and a caret under the column.
    public func rendered(in source: SourceFile?) -> String {
        var text = description + "\n"
        if let source, location.file == source.name {
            let line = source.line(location.line)
            if !line.isEmpty || location.line <= source.lineStarts.count {
                text += line + "\n"
                // Tabs stay tabs so the caret lines up in a terminal.
                let pad = line.prefix(max(0, location.column - 1)).map { $0 == "\t" ? "\t" : " " }.joined()
                text += pad + "^\n"
            }
        }
        return text
    }
}
