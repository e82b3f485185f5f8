/// A Tcl script as Tcl reads it (the Dodekalogue): commands of words, each word a run of
/// literal text, variable references and command substitutions. Only the reading is
/// here; what the commands mean to Expect is `Converter`'s business.
public struct TclScript: Sendable, Equatable {
    public var commands: [TclCommand]
}

/// One command: its words, or a comment line (`#` where a command starts).
public struct TclCommand: Sendable, Equatable {
    public var words: [TclWord]
    /// The text after `#` for a comment line; nil for a command.
    public var comment: String?
    /// 1-based line of the command's first word (or of the comment).
    public var line: Int
}

/// One word of a command.
public struct TclWord: Sendable, Equatable {
    public enum Form: Sendable, Equatable {
        /// `{...}`: no substitution; `text` is the content between the braces.
        case braced
        /// `"..."`: substitutions inside.
        case quoted
        /// Anything else: substitutions inside.
        case bare
    }

    public var form: Form
    /// What the word is made of after Tcl's substitutions are planned: for a braced word a
    /// single `.text` with the content (backslash-newline already folded to a blank).
    public var parts: [TclPart]
    /// The word's content as written (between the braces or quotes), for a braced
    /// body to be read again as a script and for messages.
    public var source: String
    public var line: Int

    /// The word's text when it has no substitution at all (a braced word, or a quoted or
    /// bare one made of literal text only); nil otherwise.
    public var literal: String? {
        var text = ""
        for part in parts {
            guard case .text(let piece) = part else { return nil }
            text += piece
        }
        return text
    }
}

/// A piece of a word.
public indirect enum TclPart: Sendable, Equatable {
    case text(String)
    /// `$name`, `${name}`, or `$name(index)` (an array element; the index has its own
    /// substitutions).
    case variable(name: String, index: [TclPart]?)
    /// `[script]`.
    case command(TclScript)
}

/// A place in the Tcl text that could not be read.
public struct TclSyntaxError: Error, Sendable, Equatable {
    public var message: String
    public var line: Int
}
