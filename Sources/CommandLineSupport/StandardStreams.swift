#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Output and input of the command-line tools, straight on the file descriptors:
/// unbuffered, so a waiting script or test sees a line the moment it is written.
public enum StandardStreams {
    public static func writeOutput(_ text: String) { writeAll(1, text) }
    public static func writeError(_ text: String) { writeAll(2, text) }

    private static func writeAll(_ descriptor: Int32, _ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written <= 0 { return }
            bytes = bytes.dropFirst(written)
        }
    }

    /// The whole file as text (invalid UTF-8 as U+FFFD), or nil when it cannot be read.
    public static func readFile(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        return readAll(file)
    }

    /// All of standard input as text.
    public static func readStandardInput() -> String? {
        readAll(fdopen(0, "r"))
    }

    private static func readAll(_ file: UnsafeMutablePointer<FILE>?) -> String? {
        guard let file else { return nil }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count <= 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        if ferror(file) != 0 { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }
}
