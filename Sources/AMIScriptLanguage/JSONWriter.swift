/// `json(VALUE)`: a value as compact JSON (RFC 8259) on one line. Maps become objects with
/// their keys in order, lists arrays, nil `null`. Written by hand rather than with
/// Foundation's JSONSerialization: that loses the order of a map's keys (an AMI response
/// reads in wire order) and would pull Foundation into the language module.
public enum JSONWriter {
    public static func string(_ value: Value) -> String {
        var output = ""
        write(value, into: &output)
        return output
    }

    static func write(_ value: Value, into output: inout String) {
        switch value {
        case .string(let text):
            writeString(text, into: &output)
        case .number(let number):
            // JSON has no NaN or infinity.
            output += number.isFinite ? Value.format(number) : "null"
        case .bool(let flag):
            output += flag ? "true" : "false"
        case .none:
            output += "null"
        case .list(let items):
            output += "["
            for (index, item) in items.enumerated() {
                if index > 0 { output += "," }
                write(item, into: &output)
            }
            output += "]"
        case .map(let map):
            output += "{"
            for (index, entry) in map.entries.enumerated() {
                if index > 0 { output += "," }
                writeString(entry.key, into: &output)
                output += ":"
                write(entry.value, into: &output)
            }
            output += "}"
        }
    }

    static func writeString(_ text: String, into output: inout String) {
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}
