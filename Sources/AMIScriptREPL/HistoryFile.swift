#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CEditLine
import Synchronization

/// The REPL's history: one line per entry in a plain file (`~/.amiscript_history`, or
/// `$AMISCRIPT_HISTORY`), loaded at start and appended to as lines are entered. A line
/// that carries a secret is never stored.
struct HistoryFile {
    let path: String?

    static func defaultPath(environment: [String: String]) -> String? {
        if let path = environment["AMISCRIPT_HISTORY"] { return path.isEmpty ? nil : path }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return home + "/.amiscript_history"
    }

    /// The files already loaded: libedit's history lives as long as the process, and a
    /// script's `interact` opens a REPL each time it runs.
    private static let loaded = Mutex<Set<String>>([])

    /// Loads the file into libedit's history (the last 1000 entries), once a process.
    func load() {
        guard let path, Self.loaded.withLock({ $0.insert(path).inserted }), let file = fopen(path, "r") else { return }
        defer { fclose(file) }
        var lines: [String] = []
        var buffer = [CChar](repeating: 0, count: 65536)
        while fgets(&buffer, Int32(buffer.count), file) != nil {
            let length = buffer.firstIndex(of: 0) ?? buffer.count
            var line = String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            while line.hasSuffix("\n") || line.hasSuffix("\r") { line.removeLast() }
            if !line.isEmpty { lines.append(line) }
        }
        for line in lines.suffix(1000) { add_history(line) }
    }

    /// Adds a line to the history and the file, unless it carries a secret.
    func record(_ line: String) {
        guard !line.trimmingBlanks.isEmpty, !Self.carriesSecret(line) else { return }
        add_history(line)
        guard let path, let file = fopen(path, "a") else { return }
        defer { fclose(file) }
        chmod(path, 0o600)
        fputs(line + "\n", file)
    }

    /// `Secret:`/`Key:` headers (raw packets, send text), `login USER SECRET`, and
    /// assignments to variables named like secrets.
    static func carriesSecret(_ line: String) -> Bool {
        let lower = line.lowercased()
        let trimmed = lower.trimmingBlanks
        if lower.contains("secret:") || lower.contains("secret=") || trimmed.hasPrefix("key:")
            || (trimmed.hasPrefix("login") && lower.contains("key=")) || lower.contains("\\nkey:") {
            return true
        }
        let words = lower.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == ";" })
        if let index = words.firstIndex(of: "login") {
            let arguments = words[(index + 1)...].prefix { !["md5", "events", "else", "{"].contains($0) }
            if arguments.count >= 2 { return true }
        }
        if words.count >= 3, words[0] == "set", words[1].contains("secret") || words[1].contains("pass") {
            return true
        }
        return false
    }
}

extension String {
    var trimmingBlanks: String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}
