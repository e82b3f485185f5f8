import Synchronization

/// Where something is in a script: file name, 1-based line and column (columns count
/// characters).
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    /// Which `SourceFile` this is in (0: not known). The REPL names every input "repl":
    /// this tells a proc's or handler's line typed earlier from the line just typed.
    public var sourceID: Int

    public init(file: String, line: Int, column: Int, sourceID: Int = 0) {
        self.file = file
        self.line = line
        self.column = column
        self.sourceID = sourceID
    }

    public var description: String { "\(file):\(line):\(column)" }

    // Two locations are the same place when file, line and column are (the ID only says
    // which text to quote).
    public static func == (a: SourceLocation, b: SourceLocation) -> Bool {
        a.file == b.file && a.line == b.line && a.column == b.column
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(file)
        hasher.combine(line)
        hasher.combine(column)
    }
}

/// A script's text with its lines, for locating offsets and quoting lines in errors.
public struct SourceFile: Sendable {
    private static let lastID = Atomic<Int>(0)

    public let name: String
    /// Unique in the process: the `sourceID` of the locations in this text.
    public let id: Int
    public let text: String
    let characters: [Character]
    let lineStarts: [Int]

    public init(name: String, text: String) {
        self.name = name
        self.text = text
        id = Self.lastID.add(1, ordering: .relaxed).newValue
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
        return SourceLocation(file: name, line: low + 1, column: offset - lineStarts[low] + 1, sourceID: id)
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
