import AMIScriptLanguage

/// How values are written in amiscript source: string literals, regex literals, names.
enum AmiscriptText {
    /// A double-quoted string literal holding exactly `text` (no interpolation).
    static func string(_ text: String) -> String {
        "\"" + escaped(text) + "\""
    }

    /// `text` escaped for the inside of a double-quoted literal.
    static func escaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "$": out += "\\$"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                out += "\\x" + (scalar.value < 16 ? "0" : "") + String(scalar.value, radix: 16, uppercase: true)
            case _ where (0x80...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
                        || joinsNeighbours(scalar):
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// True for a character that joins the one before or after it into one grapheme
    /// cluster (a combining mark, an emoji modifier, an Arabic number sign…). amiscript reads
    /// its source by such clusters, so `"` followed by a combining mark is not a quote: these
    /// are written as escapes in generated literals (a fuzzer find).
    static func joinsNeighbours(_ scalar: Unicode.Scalar) -> Bool {
        guard scalar.value >= 0x80 else { return false }
        var after = "\""
        after.unicodeScalars.append(scalar)
        var before = String(scalar)
        before.unicodeScalars.append("\"")
        return after.count == 1 || before.count == 1
    }

    /// True for text Tcl and amiscript both read as the same decimal number.
    static func isPlainNumber(_ text: String) -> Bool {
        var chars = Substring(text)
        if chars.hasPrefix("-") { chars = chars.dropFirst() }
        guard let first = chars.first, first.isASCII, first.isNumber else { return false }
        let parts = chars.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }) else { return false }
        // A leading zero is octal to Tcl's expr: keep such text a string.
        return !(parts[0].count > 1 && parts[0].hasPrefix("0"))
    }

    /// The inside of a regex literal `/…/` for a PCRE pattern: `/` escaped, and a `$` that
    /// amiscript would read as `${name}` insertion escaped.
    static func regexBody(_ pattern: String) -> String {
        var out = ""
        var previousBackslash = false
        let scalars = Array(pattern.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            if scalar == "/" && !previousBackslash {
                out += "\\/"
            } else if scalar == "$" && !previousBackslash && index + 1 < scalars.count && scalars[index + 1] == "{" {
                out += "\\$"
            } else if scalar == "\n" {
                out += "\\n"
            } else if scalar == "\r" {
                out += "\\r"
            } else if scalar == "\t" {
                out += "\\t"
            } else if scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value)
                        || scalar.value == 0x2028 || scalar.value == 0x2029 || joinsNeighbours(scalar) {
                // Other control characters would end the literal in amiscript's source.
                out += "\\x{" + String(scalar.value, radix: 16) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
            previousBackslash = scalar == "\\" && !previousBackslash
        }
        return out
    }

    /// PCRE text that matches `text` literally.
    static func regexQuoted(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if "\\^$.|?*+()[]{}/".unicodeScalars.contains(scalar) { out += "\\" }
            out.unicodeScalars.append(scalar)
        }
        return out
    }

    /// A Tcl glob (`string match`, Expect's `-gl`) as PCRE, with `anchored` for a whole-string
    /// match (`string match`); Expect's glob finds the pattern anywhere unless it starts
    /// with `^` or ends with `$`.
    static func globRegex(_ glob: String, anchored: Bool) -> String {
        var out = ""
        var scalars = Array(glob.unicodeScalars)
        var anchorEnd = anchored
        if !anchored {
            if scalars.first == "^" { out += "^"; scalars.removeFirst() }
            if scalars.last == "$", scalars.count < 2 || scalars[scalars.count - 2] != "\\" { anchorEnd = true; scalars.removeLast() }
        } else {
            out += "^"
        }
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar {
            // Expect's `*` takes as much as it can of what has come (`A*x` over `A1xA2x`
            // is all of it), as PCRE's greedy `.*` does.
            case "*": out += ".*"
            case "?": out += "."
            case "[":
                var end = index + 1
                var body = ""
                while end < scalars.count, scalars[end] != "]" {
                    if scalars[end] == "\\" || scalars[end] == "[" || scalars[end] == "^" && end == index + 1 { body += "\\" }
                    body.unicodeScalars.append(scalars[end])
                    end += 1
                }
                if end < scalars.count {
                    out += "[" + body + "]"
                    index = end
                } else {
                    out += "\\["
                }
            case "\\":
                if index + 1 < scalars.count {
                    index += 1
                    out += regexQuoted(String(scalars[index]))
                } else {
                    out += "\\\\"
                }
            default:
                out += regexQuoted(String(scalar))
            }
            index += 1
        }
        if anchorEnd { out += "\\z" }
        return out
    }

    /// True when a glob has no special character (it is exact text).
    static func globIsExactText(_ glob: String) -> Bool {
        !glob.contains(where: { "*?[\\".contains($0) }) && !glob.hasPrefix("^") && !glob.hasSuffix("$")
    }

    /// A Tcl (ARE) regex as PCRE: `\m` `\M` `\y` `\Y` become PCRE's word boundaries; the
    /// rest of the common syntax is the same.
    static func tclRegex(_ pattern: String) -> String {
        var out = ""
        let scalars = Array(pattern.unicodeScalars)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\\", index + 1 < scalars.count {
                let next = scalars[index + 1]
                switch next {
                case "m": out += "\\b(?=\\w)"
                case "M": out += "\\b(?<=\\w)"
                case "y": out += "\\b"
                case "Y": out += "\\B"
                default: out.unicodeScalars.append(scalar); out.unicodeScalars.append(next)
                }
                index += 2
                continue
            }
            out.unicodeScalars.append(scalar)
            index += 1
        }
        return out
    }

    /// Why amiscript's format() would refuse a format Tcl's takes with `values` values (a
    /// conversion it has not, `#`, `*`, XPG `%1$s`, another number of values), or nil.
    static func formatProblem(_ format: String, values: Int) -> String? {
        let scalars = Array(format.unicodeScalars)
        var index = 0
        var conversions = 0
        while index < scalars.count {
            guard scalars[index] == "%" else { index += 1; continue }
            index += 1
            while index < scalars.count, "-+ 0#*$123456789.".unicodeScalars.contains(scalars[index]) {
                if scalars[index] == "#" || scalars[index] == "*" || scalars[index] == "$" {
                    return "'\(scalars[index])' in a conversion is not supported by format()"
                }
                index += 1
            }
            // Tcl's size modifiers (l, ll, h) change nothing here.
            while index < scalars.count, "lhLqjzt".unicodeScalars.contains(scalars[index]) { index += 1 }
            guard index < scalars.count else { return "the format ends inside a conversion" }
            let conversion = scalars[index]
            index += 1
            if conversion == "%" { continue }
            guard "sdifeEgGxXo".unicodeScalars.contains(conversion) else { return "%\(conversion) is not a conversion format() has" }
            conversions += 1
        }
        return conversions == values ? nil : "\(values) values for \(conversions) conversions"
    }

    /// amiscript words that cannot be variable names, and variables amiscript sets itself
    /// with another meaning than the Tcl script's.
    static let reservedNames: Set<String> = [
        "if", "elif", "else", "while", "for", "in", "proc", "return", "break", "continue",
        "true", "false", "nil", "banner", "ami_version", "output", "response", "events",
        "event", "before",
    ]

    /// A Tcl proc name as an amiscript proc name: not a built-in function's or a
    /// statement's name (`proc join`, `proc send` are fine in Tcl).
    static func procName(_ tcl: String) -> String {
        var out = name(tcl)
        if Builtins.orderedNames.contains(out) || Parser.statementNames.contains(out) { out += "_" }
        return out
    }

    /// A Tcl variable name as an amiscript name.
    static func name(_ tcl: String) -> String {
        var out = ""
        for scalar in tcl.unicodeScalars {
            let ok = ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "_"
            out.unicodeScalars.append(ok ? scalar : "_")
        }
        if out.isEmpty { out = "v" }
        if let first = out.unicodeScalars.first, ("0"..."9").contains(first) { out = "v" + out }
        if reservedNames.contains(out) { out += "_" }
        return out
    }
}
