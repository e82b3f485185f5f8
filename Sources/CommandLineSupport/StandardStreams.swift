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
        if case .success(let text) = readFileOrReason(path) { return text }
        return nil
    }

    /// The whole file as text, or why it cannot be read (`No such file or directory`,
    /// `Permission denied`, `Is a directory`), as the system says it.
    public static func readFileOrReason(_ path: String) -> Result<String, ReadFailure> {
        guard let file = fopen(path, "r") else { return .failure(ReadFailure(reason: String(cString: strerror(errno)))) }
        defer { fclose(file) }
        guard let text = readAll(file) else { return .failure(ReadFailure(reason: String(cString: strerror(errno)))) }
        return .success(text)
    }

    /// A file's bytes, or why it cannot be read (a script is decoded by the language,
    /// which reports bytes that are not UTF-8).
    public static func readBytesOrReason(_ path: String) -> Result<[UInt8], ReadFailure> {
        guard let file = fopen(path, "r") else { return .failure(ReadFailure(reason: String(cString: strerror(errno)))) }
        defer { fclose(file) }
        guard let bytes = readAllBytes(file) else { return .failure(ReadFailure(reason: String(cString: strerror(errno)))) }
        return .success(bytes)
    }

    /// All of standard input as bytes.
    public static func readStandardInputBytes() -> [UInt8]? {
        readAllBytes(fdopen(0, "r"))
    }

    public struct ReadFailure: Error {
        public var reason: String
    }

    /// All of standard input as text.
    public static func readStandardInput() -> String? {
        readAll(fdopen(0, "r"))
    }

    private static func readAll(_ file: UnsafeMutablePointer<FILE>?) -> String? {
        readAllBytes(file).map { String(decoding: $0, as: UTF8.self) }
    }

    private static func readAllBytes(_ file: UnsafeMutablePointer<FILE>?) -> [UInt8]? {
        guard let file else { return nil }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count <= 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        if ferror(file) != 0 { return nil }
        return bytes
    }
}
