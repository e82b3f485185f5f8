import AMIProtocol

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
        JSONText.appendQuoted(text, to: &output)
    }
}
