import AMIProtocol
import AMIScriptLanguage

/// How the REPL shows packets: `Header: value` blocks with the values aligned, and event
/// lists as a table when their entries are small enough to fit one line each.
enum ResponseFormatter {
    /// One packet as one line of JSON: the same object as `json($response)` in a script.
    static func jsonLine(_ packet: AMIPacket) -> String {
        JSONWriter.string(Interpreter.map(of: packet)) + "\n"
    }

    static func block(_ framed: AMIPacket) -> String {
        let packet = framed.parsedCopy
        var pairs = packet.headers.map { ($0.name, $0.value) }
        if !packet.body.isEmpty {
            let name = packet.kind == .textOnly ? "" : "Output"
            pairs += packet.body.map { (name, $0) }
        }
        return block(pairs)
    }

    static func block(_ pairs: [(String, String)]) -> String {
        let width = pairs.map { $0.0.count }.max() ?? 0
        return pairs.map { name, value in
            guard !name.isEmpty else { return value }
            let label = name + ":"
            return label + String(repeating: " ", count: width + 2 - label.count) + value
        }.joined(separator: "\n") + "\n"
    }

    /// An action's answer: the response, then its list (a table or blocks).
    static func result(response: AMIPacket, events: [AMIPacket], terminalWidth: Int = 120) -> String {
        var text = block(response)
        guard !events.isEmpty else { return text }
        text += "\n"
        if let table = table(events, width: terminalWidth) {
            text += table
        } else {
            text += events.map(block).joined(separator: "\n")
        }
        text += "(\(events.count) entr\(events.count == 1 ? "y" : "ies"))\n"
        return text
    }

    /// Columns are the entries' headers (Event and ActionID left out); nil when the
    /// entries differ in shape or a row would not fit.
    static func table(_ events: [AMIPacket], width: Int) -> String? {
        let skip: Set<String> = ["event", "actionid"]
        let columns = events[0].headers.map(\.name).filter { !skip.contains($0.lowercased()) }
        guard !columns.isEmpty, columns.count <= 8 else { return nil }
        for event in events where event.headers.map(\.name).filter({ !skip.contains($0.lowercased()) }) != columns {
            return nil
        }
        let rows = events.map { event in columns.map { event[$0] ?? "" } }
        let widths = columns.indices.map { index in max(columns[index].count, rows.map { $0[index].count }.max() ?? 0) }
        guard widths.reduce(0, +) + 2 * columns.count <= width else { return nil }
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { $0 + String(repeating: " ", count: $1 - $0.count) }.joined(separator: "  ")
                .trimmingTrailingBlanks + "\n"
        }
        return line(columns) + line(widths.map { String(repeating: "-", count: $0) }) + rows.map(line).joined()
    }
}

extension String {
    var trimmingTrailingBlanks: String {
        String(reversed().drop(while: { $0 == " " }).reversed())
    }
}
