/// Where `set`, `incr`, `append`, `lappend` write: a variable or a Tcl array element
/// (`count($class)`), whose key may hold substitutions.
struct Target {
    /// The amiscript variable.
    var name: String
    /// The element's key as an expression (nil: the variable itself).
    var key: String?

    /// The target of `set`.
    var assignable: String { key.map { "\(name)[\($0)]" } ?? name }

    /// The value now; a missing array element reads as `fallback` (Tcl's incr, append and
    /// lappend create it).
    func current(fallback: String) -> String {
        key.map { "get($\(name), \($0), \(fallback))" } ?? "$" + name
    }
}

extension Converter {
    /// The target a word names, or nil when its name is computed.
    func target(_ word: TclWord) -> Target? {
        let parts = word.form == .braced ? [TclPart.text(word.literal ?? word.source)] : word.parts
        guard case .text(let head)? = parts.first else { return nil }
        guard let open = head.firstIndex(of: "(") else {
            guard parts.count == 1 else { return nil }
            return Target(name: AmiscriptText.name(head), key: nil)
        }
        guard case .text(let tail)? = parts.last, tail.hasSuffix(")") else { return nil }
        let name = String(head[..<open])
        var keyParts = parts
        keyParts[0] = .text(String(head[head.index(after: open)...]))
        if case .text(let last) = keyParts[keyParts.count - 1] {
            keyParts[keyParts.count - 1] = .text(String(last.dropLast()))
        }
        keyParts.removeAll { $0 == .text("") }
        if inProc, !globals.contains(name) {
            note("\(name) is an array set inside a proc: the converted script keeps it in a global map", at: word.line)
        }
        arrayVariables.insert(name)
        return Target(name: AmiscriptText.name(name), key: value(parts: keyParts, .text, line: word.line))
    }
}
