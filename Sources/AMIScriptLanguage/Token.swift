/// A lexical token. Every token knows where it starts and whether blank space came
/// before it (`$r.Field` is an access, `$r .Field` is not).
public struct Token: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case identifier(String)
        case number(Double, text: String)
        /// A bare word that is neither (`127.0.0.1`).
        case word(String)
        case string(StringLiteral)
        case regex(RegexLiteral)
        case variable(String)
        /// `${...}`: a name with its access chain.
        case bracedVariable(VariablePath)
        case symbol(String)
        case newline
        case end
    }

    public var kind: Kind
    public var offset: Int
    public var length: Int
    public var spaceBefore: Bool

    public var symbol: String? {
        if case .symbol(let text) = kind { return text }
        return nil
    }

    public var identifier: String? {
        if case .identifier(let text) = kind { return text }
        return nil
    }
}

/// `"..."`: literal text and interpolated variables, in order.
public struct StringLiteral: Sendable, Hashable {
    public enum Part: Sendable, Hashable {
        case text(String)
        case variable(VariablePath)
    }
    public var parts: [Part]

    /// True when the string has no `$` insertion (a map key must be known when parsing).
    public var isPlainText: Bool {
        parts.allSatisfy { if case .text = $0 { return true } else { return false } }
    }

    public var plainText: String {
        parts.map { if case .text(let text) = $0 { return text } else { return "" } }.joined()
    }
}

/// `/.../flags`: pattern text with `${name}` insertions.
public struct RegexLiteral: Sendable, Hashable {
    public enum Part: Sendable, Hashable {
        case pattern(String)
        case variable(VariablePath)
    }
    public var parts: [Part]
    public var flags: String

    /// The pattern as written, for messages.
    public var display: String {
        "/" + parts.map { part in
            switch part {
            case .pattern(let text): return text
            case .variable(let path): return "${\(path.display)}"
            }
        }.joined() + "/" + flags
    }
}

/// `name`, `r.Field`, `list[0]`, `list[$i]`: a variable and the accesses into it.
public struct VariablePath: Sendable, Hashable {
    public enum Access: Sendable, Hashable {
        case field(String)
        case index(Int)
        case indexVariable(String)
    }
    public var name: String
    public var accesses: [Access]

    public var display: String {
        name + accesses.map { access in
            switch access {
            case .field(let field): return ".\(field)"
            case .index(let index): return "[\(index)]"
            case .indexVariable(let name): return "[$\(name)]"
            }
        }.joined()
    }
}
