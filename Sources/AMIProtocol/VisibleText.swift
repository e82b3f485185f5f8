/// Text shown with its invisible characters made visible: traces, error messages.
public enum VisibleText {
    /// `\r`, `\n`, `\t`, `\\`, other control bytes as `\xHH`; with `quotes`, `"` as `\"`
    /// (for text shown between quotes).
    public static func escaped(_ text: String, quotes: Bool) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\r": result += "\\r"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\\": result += "\\\\"
            case "\"" where quotes: result += "\\\""
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    result += "\\x" + (hex.count < 2 ? "0" + hex : hex)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }

    /// The text without the given characters at either end.
    public static func trimming(_ text: some StringProtocol, _ characters: String) -> String {
        let set = Set(characters)
        var slice = Substring(text)
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
