/// read_file, read_lines, write_file, append_file: whole files, with errors that name the
/// path and the system's reason. New files get mode 0600 (a report may hold secrets); an
/// existing file keeps its mode.
enum FileBuiltins {
    static func call(_ name: String, _ arguments: [Value], at location: SourceLocation) throws -> Value {
        let path = arguments[0].description
        guard !path.isEmpty else { throw ScriptError(location, "\(name)(): the path is empty") }
        switch name {
        case "read_file":
            return .string(try read(path, name: name, at: location))
        case "read_lines":
            // "\r\n" is one Character in Swift: both it and "\n" end a line.
            var lines = try read(path, name: name, at: location)
                .split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
                .map(String.init)
            // A last line end ends the last line; it does not start an empty one.
            if lines.last == "" { lines.removeLast() }
            return .list(lines.map(Value.string))
        case "write_file", "append_file":
            try write(Array(arguments[1].description.utf8), to: path, appending: name == "append_file", name: name, at: location)
            return .none
        default:
            throw ScriptError(location, "no function or proc named '\(name)'")
        }
    }

    private static func reason() -> String { String(cString: strerror(errno)) }

    static func read(_ path: String, name: String, at location: SourceLocation) throws -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw ScriptError(location, "\(name)(): cannot read \(path): \(reason())") }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ScriptError(location, "\(name)(): cannot read \(path): \(reason())")
            }
            if count == 0 { break }
            bytes += chunk[..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func write(_ bytes: [UInt8], to path: String, appending: Bool, name: String, at location: SourceLocation) throws {
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (appending ? O_APPEND : O_TRUNC)
        let descriptor = open(path, flags, 0o600)
        guard descriptor >= 0 else { throw ScriptError(location, "\(name)(): cannot write \(path): \(reason())") }
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                let failure = reason()
                close(descriptor)
                throw ScriptError(location, "\(name)(): cannot write \(path): \(failure)")
            }
            written += count
        }
        guard close(descriptor) == 0 else { throw ScriptError(location, "\(name)(): cannot write \(path): \(reason())") }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
