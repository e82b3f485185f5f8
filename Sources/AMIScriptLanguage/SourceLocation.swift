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

    /// A script read as bytes: its text, or — when the bytes are not UTF-8 — an error that
    /// gives the byte offset and the line (a script is never read with silent `�`s in it).
    /// A UTF-8 byte order mark at the start is dropped.
    public static func decoding(name: String, bytes: [UInt8]) -> Result<SourceFile, Diagnostic> {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = body.makeIterator()
        var offset = body.startIndex
        var line = 1
        var lineStart = offset
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                if encoded.count == 1, encoded.first == UInt8(ascii: "\n") {
                    line += 1
                    lineStart = offset + 1
                }
                offset += encoded.count
            case .emptyInput:
                return .success(SourceFile(name: name, text: String(decoding: body, as: UTF8.self)))
            case .error(let length):
                let column = String(decoding: bytes[lineStart..<offset], as: UTF8.self).count + 1
                let shown = bytes[offset..<(offset + length)].map { "0x" + String($0, radix: 16, uppercase: true) }.joined(separator: " ")
                return .failure(Diagnostic(SourceLocation(file: name, line: line, column: column),
                                           "the script is not valid UTF-8: byte \(shown) at byte offset \(offset) (save it as UTF-8)"))
            }
        }
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
