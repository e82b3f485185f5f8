/// Reads Tcl text into commands and words by Tcl's own rules: `;` and line ends end a
/// command, `#` where a command starts begins a comment, `{}` quote without substitution
/// (nesting, `\` escaping a brace), `""` and bare words substitute `$var`, `${var}`,
/// `$arr(index)`, `[command]` and backslash escapes; a backslash-newline (with the blanks
/// after it) is one blank everywhere.
public struct TclParser {
    private let chars: [Unicode.Scalar]
    private var position = 0
    private var line: Int
    /// Inside `[...]`: a `]` ends the script.
    private let inBrackets: Bool

    /// Nesting of brackets and braces is bounded so hostile input cannot exhaust the stack.
    static let maxDepth = 200

    public static func parse(_ text: String, firstLine: Int = 1) throws(TclSyntaxError) -> TclScript {
        var parser = TclParser(chars: Array(text.unicodeScalars), line: firstLine, inBrackets: false)
        return try parser.script(depth: 0)
    }

    /// Reads a Tcl list (the words of `{-re "x" {body} timeout {...}}`): line ends are
    /// blanks, and there are no comments.
    public static func parseList(_ text: String, firstLine: Int = 1) throws(TclSyntaxError) -> [TclWord] {
        var parser = TclParser(chars: Array(text.unicodeScalars), line: firstLine, inBrackets: false)
        var words: [TclWord] = []
        while true {
            // Blanks, line ends, and backslash-newlines (a blank in a list too).
            while true {
                parser.skip { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
                guard parser.current == "\\", parser.peek(1) == "\n" else { break }
                parser.advance()
                parser.advance()
            }
            guard parser.position < parser.chars.count else { return words }
            let start = parser.position
            words.append(try parser.word(depth: 0, listMode: true))
            // Every word takes at least one character: no input can make this loop stand still.
            if parser.position == start { parser.advance() }
        }
    }

    private init(chars: [Unicode.Scalar], line: Int, inBrackets: Bool) {
        self.chars = chars
        self.line = line
        self.inBrackets = inBrackets
    }

    private var current: Unicode.Scalar? { position < chars.count ? chars[position] : nil }

    private func peek(_ offset: Int) -> Unicode.Scalar? {
        position + offset < chars.count ? chars[position + offset] : nil
    }

    private mutating func advance() {
        if chars[position] == "\n" { line += 1 }
        position += 1
    }

    private mutating func skip(while keep: (Unicode.Scalar) -> Bool) {
        while let char = current, keep(char) { advance() }
    }

    /// Blanks between words, backslash-newline included.
    private mutating func skipBlanks() {
        while let char = current {
            if char == " " || char == "\t" || char == "\r" { advance(); continue }
            if char == "\\", peek(1) == "\n" {
                advance(); advance()
                skip { $0 == " " || $0 == "\t" }
                continue
            }
            break
        }
    }

    private mutating func script(depth: Int) throws(TclSyntaxError) -> TclScript {
        guard depth < Self.maxDepth else { throw TclSyntaxError(message: "nested too deep", line: line) }
        var commands: [TclCommand] = []
        while true {
            // Between commands: blanks, line ends and semicolons.
            skip { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" || $0 == ";" }
            guard let char = current else { break }
            if inBrackets, char == "]" { break }
            if char == "#" {
                let start = line
                advance()
                var text = ""
                while let next = current, next != "\n" {
                    if next == "\\", peek(1) == "\n" { advance(); advance(); text += " "; continue }
                    text.unicodeScalars.append(next)
                    advance()
                }
                commands.append(TclCommand(words: [], comment: text, line: start))
                continue
            }
            let start = line
            var words: [TclWord] = []
            while true {
                skipBlanks()
                guard let next = current, next != "\n", next != ";" else { break }
                if inBrackets, next == "]" { break }
                let before = position
                words.append(try word(depth: depth, listMode: false))
                if position == before { advance() }
            }
            if !words.isEmpty { commands.append(TclCommand(words: words, comment: nil, line: start)) }
        }
        return TclScript(commands: commands)
    }

    private mutating func word(depth: Int, listMode: Bool) throws(TclSyntaxError) -> TclWord {
        let start = line
        if current == "{" {
            // `{*}` (argument expansion) is read as an ordinary braced word.
            let text = try braced(depth: depth)
            return TclWord(form: .braced, parts: [.text(text.folded)], source: text.raw, line: start)
        }
        if current == "\"" {
            advance()
            let begin = position
            let parts = try substituted(depth: depth) { parser in parser.current == "\"" }
            guard current == "\"" else { throw TclSyntaxError(message: "missing closing quote (\" opened on line \(start))", line: start) }
            let source = String(String.UnicodeScalarView(chars[begin..<position]))
            advance()
            return TclWord(form: .quoted, parts: parts, source: source, line: start)
        }
        let begin = position
        let inBrackets = self.inBrackets
        let parts = try substituted(depth: depth) { parser in
            guard let char = parser.current else { return true }
            if char == " " || char == "\t" || char == "\r" || char == "\n" { return true }
            if !listMode, char == ";" { return true }
            if inBrackets, char == "]" { return true }
            if char == "\\", parser.peek(1) == "\n" { return true }
            return false
        }
        let source = String(String.UnicodeScalarView(chars[begin..<position]))
        return TclWord(form: .bare, parts: parts, source: source, line: start)
    }

    /// `{...}`: the raw content and the content with backslash-newlines folded.
    private mutating func braced(depth: Int) throws(TclSyntaxError) -> (raw: String, folded: String) {
        let start = line
        advance()
        var level = 1
        var raw = String.UnicodeScalarView()
        var folded = String.UnicodeScalarView()
        while let char = current {
            if char == "\\", let next = peek(1) {
                advance(); advance()
                raw.append(char); raw.append(next)
                if next == "\n" {
                    let blanks = position
                    skip { $0 == " " || $0 == "\t" }
                    raw.append(contentsOf: chars[blanks..<position])
                    folded.append(" ")
                } else {
                    folded.append(char); folded.append(next)
                }
                continue
            }
            if char == "{" { level += 1 }
            if char == "}" {
                level -= 1
                if level == 0 {
                    advance()
                    return (String(raw), String(folded))
                }
            }
            raw.append(char)
            folded.append(char)
            advance()
        }
        throw TclSyntaxError(message: "missing close-brace ({ opened on line \(start))", line: start)
    }

    /// Text with substitutions up to where `ends` says (not consumed).
    private mutating func substituted(depth: Int, ends: (TclParser) -> Bool) throws(TclSyntaxError) -> [TclPart] {
        guard depth < Self.maxDepth else { throw TclSyntaxError(message: "nested too deep", line: line) }
        var parts: [TclPart] = []
        var text = String.UnicodeScalarView()
        func flush() {
            if !text.isEmpty { parts.append(.text(String(text))); text = String.UnicodeScalarView() }
        }
        while current != nil, !ends(self) {
            let char = current!
            switch char {
            case "\\":
                text.append(contentsOf: backslash().unicodeScalars)
            case "$":
                if let variable = try variable(depth: depth) {
                    flush()
                    parts.append(variable)
                } else {
                    // A `$` not followed by a name is itself.
                    text.append("$")
                    advance()
                }
            case "[":
                flush()
                let start = line
                advance()
                var inner = TclParser(chars: chars, line: line, inBrackets: true)
                inner.position = position
                let script = try inner.script(depth: depth + 1)
                position = inner.position
                line = inner.line
                guard current == "]" else { throw TclSyntaxError(message: "missing close-bracket ([ opened on line \(start))", line: start) }
                advance()
                parts.append(.command(script))
            default:
                text.append(char)
                advance()
            }
        }
        flush()
        return parts
    }

    /// A backslash sequence: its meaning.
    private mutating func backslash() -> String {
        advance()
        guard let char = current else { return "\\" }
        advance()
        switch char {
        case "a": return "\u{07}"
        case "b": return "\u{08}"
        case "f": return "\u{0C}"
        case "n": return "\n"
        case "r": return "\r"
        case "t": return "\t"
        case "v": return "\u{0B}"
        case "\n":
            skip { $0 == " " || $0 == "\t" }
            return " "
        case "x":
            return hexadecimal(maxDigits: 2) ?? "x"
        case "u":
            return hexadecimal(maxDigits: 4) ?? "u"
        case "U":
            return hexadecimal(maxDigits: 8) ?? "U"
        case "0"..."7":
            var value = Int(char.value - 48)
            var digits = 1
            while digits < 3, let next = current, ("0"..."7").contains(next) {
                value = value * 8 + Int(next.value - 48)
                advance()
                digits += 1
            }
            return String(Unicode.Scalar(UInt8(value & 0xFF)))
        default:
            return String(char)
        }
    }

    private mutating func hexadecimal(maxDigits: Int) -> String? {
        var value: UInt32 = 0
        var digits = 0
        while digits < maxDigits, let char = current, let digit = Self.hexValue(char) {
            value = value * 16 + digit
            advance()
            digits += 1
        }
        guard digits > 0 else { return nil }
        return Unicode.Scalar(value).map(String.init) ?? "\u{FFFD}"
    }

    private static func hexValue(_ char: Unicode.Scalar) -> UInt32? {
        switch char {
        case "0"..."9": return char.value - 48
        case "a"..."f": return char.value - 87
        case "A"..."F": return char.value - 55
        default: return nil
        }
    }

    private static func isNameCharacter(_ char: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(char) || ("A"..."Z").contains(char) || ("0"..."9").contains(char) || char == "_"
    }

    /// `$name`, `$name(index)`, `${name}`; nil (nothing consumed but the `$`… no: nothing)
    /// when the `$` is literal.
    private mutating func variable(depth: Int) throws(TclSyntaxError) -> TclPart? {
        let start = line
        if peek(1) == "{" {
            advance(); advance()
            var name = String.UnicodeScalarView()
            while let char = current, char != "}" { name.append(char); advance() }
            guard current == "}" else { throw TclSyntaxError(message: "missing close-brace for variable name", line: start) }
            advance()
            return .variable(name: String(name), index: nil)
        }
        var length = 0
        while let char = peek(1 + length), Self.isNameCharacter(char) || (char == ":" && peek(2 + length) == ":") {
            length += char == ":" ? 2 : 1
        }
        guard length > 0 else { return nil }
        advance()
        var name = String.UnicodeScalarView()
        for _ in 0..<length { name.append(current!); advance() }
        guard current == "(" else { return .variable(name: String(name), index: nil) }
        advance()
        let index = try substituted(depth: depth + 1) { parser in parser.current == ")" }
        guard current == ")" else { throw TclSyntaxError(message: "missing ) after the array index of $\(String(name))", line: start) }
        advance()
        return .variable(name: String(name), index: index)
    }
}
