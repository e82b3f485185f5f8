/// A Tcl `expr` expression (also the condition of `if`, `while`, `for`) read into a tree
/// with Tcl's precedence, so it can be written out as an amiscript expression whose own
/// precedence differs (amiscript puts all comparisons on one level).
indirect enum TclExpression: Equatable {
    /// A number as written.
    case number(String)
    /// A `$var`, `[command]`, `"string"` or `{string}` operand: a word to convert.
    case word(TclWord)
    /// A bare word: `true`, `false`, `yes`… (or a function name before `(`).
    case bareWord(String)
    case unary(String, TclExpression)
    case binary(String, TclExpression, TclExpression)
    case ternary(TclExpression, TclExpression, TclExpression)
    case call(String, [TclExpression])

    /// True when the expression is certainly a floating-point number in Tcl (for `/`).
    var isFloat: Bool {
        switch self {
        case .number(let text): return text.contains(".") || (text.contains("e") && !text.hasPrefix("0x"))
        case .call(let name, _): return name == "double"
        case .unary(_, let operand): return operand.isFloat
        case .binary(let op, let left, let right): return ["+", "-", "*", "/", "**"].contains(op) && (left.isFloat || right.isFloat)
        default: return false
        }
    }
}

/// Reads Tcl expression text.
struct TclExpressionParser {
    private var tokens: [Token] = []
    private var index = 0
    let line: Int

    enum Token: Equatable {
        case number(String)
        case word(TclWord)
        case bare(String)
        case op(String)
    }

    static func parse(_ text: String, line: Int) throws(TclSyntaxError) -> TclExpression {
        var parser = TclExpressionParser(line: line)
        parser.tokens = try tokenize(Array(text.unicodeScalars), line: line)
        guard !parser.tokens.isEmpty else { throw TclSyntaxError(message: "empty expression", line: line) }
        let expression = try parser.ternary(depth: 0)
        guard parser.index == parser.tokens.count else {
            throw TclSyntaxError(message: "cannot read the expression '\(text)'", line: line)
        }
        return expression
    }

    private static let operators = ["**", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||",
                                    "+", "-", "*", "/", "%", "<", ">", "!", "~", "&", "|", "^", "?", ":", "(", ")", ","]

    private static func tokenize(_ chars: [Unicode.Scalar], line: Int) throws(TclSyntaxError) -> [Token] {
        var tokens: [Token] = []
        var position = 0
        func isDigit(_ c: Unicode.Scalar) -> Bool { ("0"..."9").contains(c) }
        func isLetter(_ c: Unicode.Scalar) -> Bool { ("a"..."z").contains(c) || ("A"..."Z").contains(c) || c == "_" }
        while position < chars.count {
            let char = chars[position]
            if char == " " || char == "\t" || char == "\n" || char == "\r" { position += 1; continue }
            if char == "\\", position + 1 < chars.count, chars[position + 1] == "\n" { position += 2; continue }
            if isDigit(char) || (char == "." && position + 1 < chars.count && isDigit(chars[position + 1])) {
                var end = position
                if char == "0", end + 1 < chars.count, chars[end + 1] == "x" || chars[end + 1] == "X" {
                    end += 2
                    while end < chars.count, ("0"..."9").contains(chars[end]) || ("a"..."f").contains(chars[end]) || ("A"..."F").contains(chars[end]) { end += 1 }
                } else {
                    while end < chars.count, isDigit(chars[end]) || chars[end] == "." { end += 1 }
                    if end < chars.count, chars[end] == "e" || chars[end] == "E" {
                        var exponent = end + 1
                        if exponent < chars.count, chars[exponent] == "+" || chars[exponent] == "-" { exponent += 1 }
                        if exponent < chars.count, isDigit(chars[exponent]) {
                            end = exponent
                            while end < chars.count, isDigit(chars[end]) { end += 1 }
                        }
                    }
                }
                tokens.append(.number(String(String.UnicodeScalarView(chars[position..<end]))))
                position = end
                continue
            }
            if char == "$" || char == "[" || char == "\"" || char == "{" {
                let end = try extent(of: chars, from: position, line: line)
                let text = String(String.UnicodeScalarView(chars[position..<end]))
                let words = try TclParser.parseList(text, firstLine: line)
                guard words.count == 1 else { throw TclSyntaxError(message: "cannot read '\(text)' in an expression", line: line) }
                tokens.append(.word(words[0]))
                position = end
                continue
            }
            if isLetter(char) {
                var end = position
                while end < chars.count, isLetter(chars[end]) || isDigit(chars[end]) || chars[end] == ":" { end += 1 }
                let name = String(String.UnicodeScalarView(chars[position..<end]))
                tokens.append(["eq", "ne", "in", "ni"].contains(name) ? .op(name) : .bare(name))
                position = end
                continue
            }
            let rest = String(String.UnicodeScalarView(chars[position..<min(chars.count, position + 2)]))
            guard let op = operators.first(where: { rest.hasPrefix($0) }) else {
                throw TclSyntaxError(message: "unexpected '\(char)' in an expression", line: line)
            }
            tokens.append(.op(op))
            position += op.unicodeScalars.count
        }
        return tokens
    }

    /// Where a `$var`, `[...]`, `"..."` or `{...}` operand that starts at `start` ends.
    private static func extent(of chars: [Unicode.Scalar], from start: Int, line: Int) throws(TclSyntaxError) -> Int {
        var position = start
        switch chars[start] {
        case "$":
            position += 1
            if position < chars.count, chars[position] == "{" {
                while position < chars.count, chars[position] != "}" { position += 1 }
                return min(chars.count, position + 1)
            }
            while position < chars.count, ("a"..."z").contains(chars[position]) || ("A"..."Z").contains(chars[position])
                    || ("0"..."9").contains(chars[position]) || chars[position] == "_" || chars[position] == ":" {
                position += 1
            }
            if position < chars.count, chars[position] == "(" {
                var depth = 0
                while position < chars.count {
                    if chars[position] == "(" { depth += 1 }
                    if chars[position] == ")" { depth -= 1; if depth == 0 { return position + 1 } }
                    position += 1
                }
                throw TclSyntaxError(message: "missing ) in an expression", line: line)
            }
            return position
        case "[", "{":
            let open = chars[start], close: Unicode.Scalar = open == "[" ? "]" : "}"
            var depth = 0
            var inQuote = false
            while position < chars.count {
                let char = chars[position]
                if char == "\\" { position += 2; continue }
                if open == "[", char == "\"" { inQuote.toggle() }
                if !inQuote {
                    if char == open { depth += 1 }
                    if char == close { depth -= 1; if depth == 0 { return position + 1 } }
                }
                position += 1
            }
            throw TclSyntaxError(message: "missing \(close) in an expression", line: line)
        default:
            position += 1
            while position < chars.count {
                if chars[position] == "\\" { position += 2; continue }
                if chars[position] == "\"" { return position + 1 }
                position += 1
            }
            throw TclSyntaxError(message: "missing \" in an expression", line: line)
        }
    }

    private var current: Token? { index < tokens.count ? tokens[index] : nil }

    private mutating func take(_ op: String) -> Bool {
        if current == .op(op) { index += 1; return true }
        return false
    }

    private mutating func ternary(depth: Int) throws(TclSyntaxError) -> TclExpression {
        guard depth < 100 else { throw TclSyntaxError(message: "expression nested too deep", line: line) }
        let condition = try binary(level: 0, depth: depth)
        guard take("?") else { return condition }
        let yes = try ternary(depth: depth + 1)
        guard take(":") else { throw TclSyntaxError(message: "missing ':' after '?' in an expression", line: line) }
        let no = try ternary(depth: depth + 1)
        return .ternary(condition, yes, no)
    }

    /// Tcl's binary operators, loosest first.
    private static let levels: [[String]] = [["||"], ["&&"], ["|"], ["^"], ["&"], ["in", "ni"], ["eq", "ne"],
                                             ["==", "!="], ["<", ">", "<=", ">="], ["<<", ">>"], ["+", "-"], ["*", "/", "%"]]

    private mutating func binary(level: Int, depth: Int) throws(TclSyntaxError) -> TclExpression {
        guard level < Self.levels.count else { return try power(depth: depth) }
        var left = try binary(level: level + 1, depth: depth)
        while case .op(let op) = current, Self.levels[level].contains(op) {
            index += 1
            let right = try binary(level: level + 1, depth: depth)
            left = .binary(op, left, right)
        }
        return left
    }

    private mutating func power(depth: Int) throws(TclSyntaxError) -> TclExpression {
        let base = try unary(depth: depth)
        guard take("**") else { return base }
        return .binary("**", base, try power(depth: depth + 1))
    }

    private mutating func unary(depth: Int) throws(TclSyntaxError) -> TclExpression {
        guard depth < 100 else { throw TclSyntaxError(message: "expression nested too deep", line: line) }
        for op in ["-", "+", "!", "~"] where take(op) {
            return .unary(op, try unary(depth: depth + 1))
        }
        return try primary(depth: depth)
    }

    private mutating func primary(depth: Int) throws(TclSyntaxError) -> TclExpression {
        guard let token = current else { throw TclSyntaxError(message: "an expression ends too early", line: line) }
        index += 1
        switch token {
        case .number(let text): return .number(text)
        case .word(let word): return .word(word)
        case .bare(let name):
            guard take("(") else { return .bareWord(name) }
            var arguments: [TclExpression] = []
            if !take(")") {
                repeat { arguments.append(try ternary(depth: depth + 1)) } while take(",")
                guard take(")") else { throw TclSyntaxError(message: "missing ) after the arguments of \(name)()", line: line) }
            }
            return .call(name, arguments)
        case .op("("):
            let inner = try ternary(depth: depth + 1)
            guard take(")") else { throw TclSyntaxError(message: "missing ) in an expression", line: line) }
            return inner
        case .op(let op):
            throw TclSyntaxError(message: "unexpected '\(op)' in an expression", line: line)
        }
    }
}
