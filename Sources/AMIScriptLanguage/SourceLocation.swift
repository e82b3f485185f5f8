/// Where something is in a script: file name, 1-based line and column (columns count
/// characters).
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}

/// A script's text with its lines, for locating offsets and quoting lines in errors.
public struct SourceFile: Sendable {
    public let name: String
    public let text: String
    let characters: [Character]
    let lineStarts: [Int]

    public init(name: String, text: String) {
        self.name = name
        self.text = text
        // "\r\n" is one Character in Swift; a script written on Windows reads the same.
        characters = Array(text)
        var starts = [0]
        for (index, character) in characters.enumerated() where character.isNewline {
            starts.append(index + 1)
        }
        lineStarts = starts
    }

    public func location(of offset: Int) -> SourceLocation {
        var low = 0, high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        return SourceLocation(file: name, line: low + 1, column: offset - lineStarts[low] + 1)
    }

    /// The text of a 1-based line, without its line end.
    public func line(_ number: Int) -> String {
        guard number >= 1, number <= lineStarts.count else { return "" }
        let start = lineStarts[number - 1]
        var end = number < lineStarts.count ? lineStarts[number] : characters.count
        if end > start, characters[end - 1].isNewline { end -= 1 }
        return String(characters[start..<max(start, end)])
    }
}
