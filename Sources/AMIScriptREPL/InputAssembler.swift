import AMIScriptLanguage

/// Gathers typed lines into one thing to run: a raw packet (header lines up to an empty
/// line, as in the seed's telnet session) or language input (continued while a block,
/// bracket or expression is open).
struct InputAssembler {
    enum Unit: Equatable {
        case packet([String])
        case code(String)
    }

    private var lines: [String] = []
    private var inPacket = false

    var isEmpty: Bool { lines.isEmpty }

    /// Adds a line; returns a unit when one is complete.
    mutating func add(_ line: String) -> Unit? {
        if inPacket {
            if line.trimmingBlanks.isEmpty {
                defer { reset() }
                return .packet(lines)
            }
            lines.append(line)
            return nil
        }
        if lines.isEmpty {
            if line.trimmingBlanks.isEmpty { return nil }
            if Self.isHeaderLine(line) {
                inPacket = true
                lines = [line]
                return nil
            }
        }
        lines.append(line)
        let text = lines.joined(separator: "\n")
        if Self.needsMore(text) { return nil }
        defer { reset() }
        return .code(text)
    }

    mutating func reset() {
        lines = []
        inPacket = false
    }

    /// `Action: Ping`: a name without blanks, a colon, and (usually) a value.
    static func isHeaderLine(_ line: String) -> Bool {
        guard let colon = line.firstIndex(of: ":") else { return false }
        let name = line[..<colon]
        guard let first = name.first, first.isLetter else { return false }
        return name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
    }

    /// True while the language input is unfinished — a block, bracket or operand left
    /// open, a trailing backslash — as the parser itself says (no scanner of its own).
    static func needsMore(_ text: String) -> Bool {
        Parser.parseInteractive(SourceFile(name: "repl", text: text), actionShorthand: REPL.isShorthand(text)).isIncomplete
    }
}
