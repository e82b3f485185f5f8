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

    /// True while a `{`, `(` or `[` is open, or the text ends with an operator or `\`.
    static func needsMore(_ text: String) -> Bool {
        var depth = 0
        var quote: Character?
        var escaped = false
        var inComment = false
        for character in text {
            if inComment {
                if character == "\n" { inComment = false }
                continue
            }
            if let open = quote {
                if escaped { escaped = false; continue }
                if character == "\\" { escaped = true; continue }
                if character == open || character == "\n" { quote = nil }
                continue
            }
            switch character {
            case "\"", "'": quote = character
            case "#": inComment = true
            case "{", "(", "[": depth += 1
            case "}", ")", "]": depth -= 1
            default: break
            }
        }
        if depth > 0 { return true }
        let tail = text.split(separator: "\n").last.map { String($0).trimmingBlanks } ?? ""
        if tail.hasSuffix("\\") { return true }
        for op in ["&&", "||", "+", "-", "*", "%", "==", "!=", "<", ">", "<=", ">=", "=~", "!~", ".."] where tail.hasSuffix(op) {
            return !tail.hasPrefix("#")
        }
        return false
    }
}
