/// `SecretMasking.masked` for text that comes in pieces cut anywhere (the writes and reads
/// of a connection): a `Secret:` or `Key:` line is masked whole even when its name or its
/// value is cut between pieces, and every piece comes out at once, masked — the `--record`
/// file keeps one line per write or read, so it cannot wait for a line to end as
/// `log_file` does. One stream per direction of the wire.
public struct SecretMaskingStream: Sendable {
    private enum LineState: Sendable {
        /// The current line so far could still become a masked header (`Sec`, `KEY`, or
        /// nothing yet): it was written as it is, the rest decides.
        case undecided(String)
        /// Inside the value of a masked header: dropped up to the line end.
        case masking
        /// A line that is no masked header.
        case plain
    }

    private var state = LineState.undecided("")

    public init() {}

    public mutating func masked(_ piece: String) -> String {
        var output = ""
        var rest = Substring(piece)
        while !rest.isEmpty {
            // One line (or the start or rest of one) at a time; a line ends where
            // `SecretMasking.masked` says it does: at any newline character.
            let segment: Substring
            if let newline = rest.firstIndex(where: \.isNewline) {
                segment = rest[...newline]
                rest = rest[rest.index(after: newline)...]
            } else {
                segment = rest
                rest = ""
            }
            let ended = segment.last?.isNewline == true
            switch state {
            case .undecided(let head):
                let combined = head + segment
                let masked = SecretMasking.masked(combined)
                // `head` went out already; it is ASCII (a prefix of a header name), and
                // masking keeps a line's name as it was written.
                output += masked.dropFirst(head.count)
                if ended {
                    state = .undecided("")
                } else if masked != combined {
                    state = .masking
                } else if Self.mayBecomeMaskedHeader(combined) {
                    state = .undecided(combined)
                } else {
                    state = .plain
                }
            case .masking:
                if ended, let newline = segment.firstIndex(where: \.isNewline) {
                    output += segment[newline...]
                    state = .undecided("")
                }
            case .plain:
                output += segment
                if ended { state = .undecided("") }
            }
        }
        return output
    }

    /// True when `line` is the start of a masked header's name (ignoring case).
    private static func mayBecomeMaskedHeader(_ line: String) -> Bool {
        let lower = line.lowercased()
        return SecretMasking.maskedHeaderPrefixes.contains { $0.hasPrefix(lower) }
    }
}
