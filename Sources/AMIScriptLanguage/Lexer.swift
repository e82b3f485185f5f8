import AMIProtocol
/// Turns script text into tokens, on demand: the parser says when a `/` may start a
/// regex literal and when a bare word (an action header value, a host name) is wanted,
/// because the same characters mean different things there.
struct Lexer {
    let source: SourceFile
    private let chars: [Character]
    private(set) var position = 0
    /// Open `(` and `[`: a newline inside them does not end the statement.
    private var nesting = 0
    /// The input ended with a line-continuing backslash.
    private(set) var endsInContinuation = false

    init(source: SourceFile) {
        self.source = source
        self.chars = source.characters
    }

    func location(_ offset: Int) -> SourceLocation { source.location(of: offset) }

    private func peekChar(_ ahead: Int = 0) -> Character? {
        position + ahead < chars.count ? chars[position + ahead] : nil
    }

    /// Skips blanks and comments; returns whether any were skipped.
    private mutating func skipBlanks() -> Bool {
        let start = position
        while let character = peekChar() {
            if character == " " || character == "\t" {
                position += 1
            } else if character == "\\", let next = peekChar(1), next.isNewline {
                position += 2  // an escaped line end continues the statement
            } else if character == "\\", peekChar(1) == nil {
                // A `\` that ends the input: the statement goes on in input still to come
                // (the REPL asks for another line).
                position += 1
                endsInContinuation = true
            } else if character == "#" {
                while let c = peekChar(), !c.isNewline { position += 1 }
            } else if character.isNewline, nesting > 0 {
                position += 1
            } else {
                break
            }
        }
        return position > start
    }

    /// The next character after blanks, without consuming it.
    mutating func peekSignificant() -> Character? {
        let saved = position
        _ = skipBlanks()
        defer { position = saved }
        return peekChar()
    }

    mutating func next(regexAllowed: Bool) throws(Diagnostic) -> Token {
        let space = skipBlanks()
        let start = position
        guard let character = peekChar() else {
            return Token(kind: .end, offset: start, length: 0, spaceBefore: space)
        }
        func token(_ kind: Token.Kind) -> Token {
            Token(kind: kind, offset: start, length: position - start, spaceBefore: space)
        }
        if character.isNewline || character == ";" {
            position += 1
            return token(.newline)
        }
        if character.isLetter || character == "_" {
            return token(.identifier(scanName()))
        }
        if character.isASCII, character.isNumber {
            return token(scanNumber())
        }
        switch character {
        case "\"":
            position += 1
            return token(.string(try scanDoubleQuoted(start: start)))
        case "'":
            position += 1
            return token(.string(StringLiteral(parts: [.text(try scanSingleQuoted(start: start))])))
        case "$":
            return token(try scanVariable())
        case "/" where regexAllowed:
            position += 1
            return token(.regex(try scanRegex(start: start)))
        default:
            break
        }
        let twoCharacter = ["==", "!=", "<=", ">=", "=~", "!~", "..", "&&", "||"]
        if let next = peekChar(1), twoCharacter.contains(String(character) + String(next)) {
            position += 2
            return token(.symbol(String(character) + String(next)))
        }
        if "{}()[],=<>.+-*/%!:".contains(character) {
            position += 1
            if character == "(" || character == "[" { nesting += 1 }
            if (character == ")" || character == "]"), nesting > 0 { nesting -= 1 }
            return token(.symbol(String(character)))
        }
        position += 1
        throw Diagnostic(location(start), "unexpected character '\(character)'")
    }

    private mutating func scanName() -> String {
        var name = ""
        while let c = peekChar(), c.isLetter || c.isNumber || c == "_" {
            name.append(c)
            position += 1
        }
        return name
    }

    private mutating func scanNumber() -> Token.Kind {
        var text = ""
        while let c = peekChar(), c.isASCII, c.isNumber { text.append(c); position += 1 }
        if peekChar() == ".", let after = peekChar(1), after.isASCII, after.isNumber {
            text.append("."); position += 1
            while let c = peekChar(), c.isASCII, c.isNumber { text.append(c); position += 1 }
        }
        // `127.0.0.1`, `5038x`: a bare word, not a number.
        var isWord = false
        while let c = peekChar(), c.isLetter || c.isNumber || c == "_" || c == "@"
                || (c == "." && peekChar(1).map { $0.isLetter || $0.isNumber } == true) {
            text.append(c); position += 1
            isWord = true
        }
        if isWord { return .word(text) }
        return .number(Double(text) ?? 0, text: text)
    }

    private mutating func scanVariable() throws(Diagnostic) -> Token.Kind {
        let start = position
        position += 1  // $
        guard let c = peekChar() else { throw Diagnostic(location(start), "'$' must be followed by a name, a digit or '{'") }
        if c == "{" {
            position += 1
            var inner = ""
            while let c = peekChar(), c != "}" {
                if c.isNewline { break }
                inner.append(c); position += 1
            }
            guard peekChar() == "}" else { throw Diagnostic(location(start), "'${' without its closing '}'") }
            position += 1
            return .bracedVariable(try Self.parsePath(inner, at: location(start)))
        }
        if c.isASCII, c.isNumber {
            var digits = ""
            while let d = peekChar(), d.isASCII, d.isNumber, digits.count < 2 { digits.append(d); position += 1 }
            return .variable(digits)
        }
        if c.isLetter || c == "_" { return .variable(scanName()) }
        throw Diagnostic(location(start), "'$' must be followed by a name, a digit or '{'")
    }

    /// `r.Field`, `list[0]`, `list[$i]`, `1`: the inside of `${...}`.
    static func parsePath(_ text: String, at location: SourceLocation) throws(Diagnostic) -> VariablePath {
        var chars = Array(text)[...]
        func name() -> String {
            var result = ""
            while let c = chars.first, c.isLetter || c.isNumber || c == "_" || c == "-" { result.append(c); chars.removeFirst() }
            return result
        }
        let base = name()
        guard !base.isEmpty else { throw Diagnostic(location, "'${\(text)}' does not start with a variable name") }
        var accesses: [VariablePath.Access] = []
        while let c = chars.first {
            chars.removeFirst()
            if c == "." {
                let field = name()
                guard !field.isEmpty else { throw Diagnostic(location, "'${\(text)}': a '.' must be followed by a field name") }
                accesses.append(.field(field))
            } else if c == "[" {
                var inside = ""
                while let d = chars.first, d != "]" { inside.append(d); chars.removeFirst() }
                guard chars.first == "]" else { throw Diagnostic(location, "'${\(text)}': '[' without ']'") }
                chars.removeFirst()
                if let number = Int(VisibleText.trimming(inside, " ")) {
                    accesses.append(.index(number))
                } else if inside.hasPrefix("$"), inside.count > 1 {
                    accesses.append(.indexVariable(String(inside.dropFirst())))
                } else {
                    throw Diagnostic(location, "'${\(text)}': an index is a number or a $variable")
                }
            } else {
                throw Diagnostic(location, "'${\(text)}' is not a variable, a field or an index")
            }
        }
        return VariablePath(name: base, accesses: accesses)
    }

    private mutating func scanDoubleQuoted(start: Int) throws(Diagnostic) -> StringLiteral {
        var parts: [StringLiteral.Part] = []
        var text = ""
        while true {
            // A string ends on its line: a forgotten quote is reported where it begins.
            guard let c = peekChar(), !c.isNewline else { throw Diagnostic(location(start), "string without its closing '\"'") }
            if c == "\"" { position += 1; break }
            if c == "\\" {
                let escapeStart = position
                position += 1
                guard let e = peekChar() else { continue }
                position += 1
                switch e {
                case "n": text += "\n"
                case "r": text += "\r"
                case "t": text += "\t"
                case "\\": text += "\\"
                case "\"": text += "\""
                case "$": text += "$"
                case "x":
                    var hex = ""
                    while hex.count < 2, let h = peekChar(), h.isHexDigit { hex.append(h); position += 1 }
                    guard hex.count == 2, let value = UInt8(hex, radix: 16) else {
                        throw Diagnostic(location(escapeStart), "'\\x' wants two hex digits")
                    }
                    text.unicodeScalars.append(Unicode.Scalar(value))
                case "u":
                    guard peekChar() == "{" else { throw Diagnostic(location(escapeStart), "'\\u' wants '{HHHH}'") }
                    position += 1
                    var hex = ""
                    while let h = peekChar(), h.isHexDigit { hex.append(h); position += 1 }
                    guard peekChar() == "}", let value = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(value) else {
                        throw Diagnostic(location(escapeStart), "'\\u{...}' wants a hex code point and '}'")
                    }
                    position += 1
                    text.unicodeScalars.append(scalar)
                default:
                    if e.isNewline { break }
                    throw Diagnostic(location(escapeStart),
                                     "unknown escape '\\\(e)' in a string (write '\\\\\(e)', or use a 'single-quoted' string)")
                }
                continue
            }
            if c == "$" {
                let next = peekChar(1)
                if next == "{" || next.map({ $0.isLetter || $0 == "_" || ($0.isASCII && $0.isNumber) }) == true {
                    if !text.isEmpty { parts.append(.text(text)); text = "" }
                    switch try scanVariable() {
                    case .variable(let name): parts.append(.variable(VariablePath(name: name, accesses: [])))
                    case .bracedVariable(let path): parts.append(.variable(path))
                    default: break
                    }
                    continue
                }
            }
            text.append(c)
            position += 1
        }
        if !text.isEmpty || parts.isEmpty { parts.append(.text(text)) }
        return StringLiteral(parts: parts)
    }

    private mutating func scanSingleQuoted(start: Int) throws(Diagnostic) -> String {
        var text = ""
        while true {
            guard let c = peekChar(), !c.isNewline else { throw Diagnostic(location(start), "string without its closing \"'\"") }
            position += 1
            if c == "'" { return text }
            if c == "\\", let e = peekChar(), e == "'" || e == "\\" {
                text.append(e)
                position += 1
                continue
            }
            text.append(c)
        }
    }

    private mutating func scanRegex(start: Int) throws(Diagnostic) -> RegexLiteral {
        var parts: [RegexLiteral.Part] = []
        var text = ""
        while true {
            guard let c = peekChar(), !c.isNewline else {
                throw Diagnostic(location(start), "regex without its closing '/'")
            }
            position += 1
            if c == "/" { break }
            if c == "\\" {
                guard let e = peekChar(), !e.isNewline else { continue }
                position += 1
                text += e == "/" ? "/" : "\\" + String(e)
                continue
            }
            if c == "$", peekChar() == "{" {
                position -= 1
                if !text.isEmpty { parts.append(.pattern(text)); text = "" }
                if case .bracedVariable(let path) = try scanVariable() { parts.append(.variable(path)) }
                continue
            }
            text.append(c)
        }
        if !text.isEmpty || parts.isEmpty { parts.append(.pattern(text)) }
        var flags = ""
        while let f = peekChar(), f.isLetter {
            guard "ismx".contains(f) else {
                throw Diagnostic(location(position), "unknown regex flag '\(f)' (flags are i, s, m, x)")
            }
            flags.append(f)
            position += 1
        }
        return RegexLiteral(parts: parts, flags: flags)
    }

    /// A bare word at this point: non-blank characters up to a blank, `;`, `#`, `{` or `}`.
    /// Returns nil (consuming nothing) when the next character starts something else:
    /// a quote, a `$`, a `(` or `[`, the end of the statement.
    mutating func bareWord() -> (text: String, offset: Int)? {
        let saved = position
        _ = skipBlanks()
        let start = position
        guard let first = peekChar(), !first.isNewline, !"\"'$([{};#".contains(first) else {
            position = saved
            return nil
        }
        var text = ""
        while let c = peekChar(), !c.isWhitespace, !"{};#".contains(c) {
            text.append(c)
            position += 1
        }
        return (text, start)
    }

    /// True when the next character follows without a blank (for glued values).
    func gluedCharacter() -> Character? {
        guard let c = peekChar(), !c.isWhitespace, !"{};#".contains(c) else { return nil }
        return c
    }

    /// Moves to the start of the next line (panic-mode recovery after an error).
    mutating func skipToNextLine() {
        nesting = 0
        while let c = peekChar() {
            position += 1
            if c.isNewline { return }
        }
    }

    /// Rewinds to an earlier token, restoring the bracket depth it had there.
    mutating func rewind(to offset: Int, nesting: Int) {
        position = offset
        self.nesting = nesting
    }

    var currentNesting: Int { nesting }
}

extension Lexer {
    /// Skips the rest of a statement after an error: to the end of its line, and on
    /// through the block it opened, if it opened one (quotes are respected).
    mutating func skipStatement() {
        var depth = 0
        var quote: Character?
        let characters = source.characters
        var index = position
        while index < characters.count {
            let c = characters[index]
            index += 1
            if let open = quote {
                if c == "\\" { index += 1; continue }
                if c == open || c.isNewline { quote = nil }
                continue
            }
            switch c {
            case "\"", "'": quote = c
            case "#": while index < characters.count, !characters[index].isNewline { index += 1 }
            case "{": depth += 1
            case "}":
                if depth == 0 {
                    // The end of the enclosing block: leave it for the caller.
                    rewind(to: index - 1, nesting: 0)
                    return
                }
                depth -= 1
            default:
                if c.isNewline, depth <= 0 {
                    rewind(to: index, nesting: 0)
                    return
                }
            }
        }
        rewind(to: index, nesting: 0)
    }
}
