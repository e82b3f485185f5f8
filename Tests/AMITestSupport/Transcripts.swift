import Foundation

/// The real AMI traffic in tests/fixtures/ami-transcripts (a copy of the project's shared
/// transcripts, kept unchanged so a plain clone tests itself), for tests.
public enum Transcripts {
    public struct Line: Sendable {
        public var fromServer: Bool
        public var data: String
    }

    public struct Transcript: Sendable {
        public var name: String
        public var lines: [Line]

        /// Everything the server wrote, in order.
        public var serverBytes: [UInt8] {
            Array(lines.filter(\.fromServer).map(\.data).joined().utf8)
        }
    }

    /// The repository's copy of the real transcripts.
    public static var transcriptsDirectory: URL {
        projectDirectory.appendingPathComponent("tests/fixtures/ami-transcripts")
    }

    public static var projectDirectory: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Every transcript of asterisk-master, sorted by name.
    public static func asteriskMaster() throws -> [Transcript] {
        let folder = transcriptsDirectory.appendingPathComponent("asterisk-master")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".jsonl") }.sorted()
        return try names.map { name in
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            // A line without "dir" is about the recording (amiscript --record's metadata): skipped.
            let lines = try text.split(separator: "\n").compactMap { row -> Line? in
                let object = try JSONSerialization.jsonObject(with: Data(row.utf8)) as? [String: Any] ?? [:]
                guard let direction = object["dir"] as? String else { return nil }
                return Line(fromServer: direction == "S", data: object["data"] as? String ?? "")
            }
            return Transcript(name: String(name.dropLast(6)), lines: lines)
        }
    }

    /// The legacy fixtures as server traffic: LF turned into CR LF, the client's action
    /// block (the one starting with `Action:`) left out.
    public static func legacy() throws -> [(name: String, server: [UInt8])] {
        let folder = transcriptsDirectory.appendingPathComponent("legacy/panoramisk")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".txt") }.sorted()
        return try names.map { name in
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            var lines = text.components(separatedBy: "\n")
            if lines.last == "" { lines.removeLast() }
            var output: [String] = []
            var index = 0
            if let first = lines.first, !first.isEmpty, !first.contains(":") {
                output.append(first)
                index = 1
            }
            var skipping = false
            var atBlockStart = true
            while index < lines.count {
                let line = lines[index]
                if atBlockStart, !line.isEmpty { skipping = line.lowercased().hasPrefix("action:") }
                if !skipping { output.append(line) }
                atBlockStart = line.isEmpty
                if line.isEmpty { skipping = false }
                index += 1
            }
            let server = output.map { $0 + "\r\n" }.joined()
            return (String(name.dropLast(4)), Array(server.utf8))
        }
    }

    /// A plain reading of well-formed server text, used as the expectation for the
    /// decoder: packets split at empty lines, headers at the first ": " (or ":").
    public static func referencePackets(_ text: String) -> [[(String, String)]] {
        var packets: [[(String, String)]] = []
        var current: [(String, String)] = []
        for line in text.components(separatedBy: "\r\n") {
            if line.isEmpty {
                if !current.isEmpty { packets.append(current) }
                current = []
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = String(line[..<colon])
            let value = String(line[line.index(after: colon)...]).drop(while: { $0 == " " })
            current.append((name, String(value)))
        }
        if !current.isEmpty { packets.append(current) }
        return packets
    }
}
