#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A secret kept in a file (`AMI_SECRET_FILE`, `secret_file(PATH)`): its first line. Like
/// ssh with a private key, a file that its group or others may read is refused: the
/// secret in it is not a secret any more. Errors end the script with 77, as a refused login.
enum SecretFile {
    static func read(_ path: String, what: String, at location: SourceLocation) throws -> String {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw ScriptError(location, "\(what): cannot read \(path): \(String(cString: strerror(errno)))", exitCode: ExitCode.loginFailed)
        }
        let mode = status.st_mode & 0o777
        if mode & 0o044 != 0 {
            let shown = String(mode, radix: 8)
            throw ScriptError(location, "\(what): \(path) is readable by others (mode \(String(repeating: "0", count: max(0, 4 - shown.count)) + shown)); "
                + "a secret file must be readable by its owner only: chmod 600 \(path)", exitCode: ExitCode.loginFailed)
        }
        let text: String
        do {
            text = try FileBuiltins.read(path, name: what, at: location)
        } catch var error as ScriptError {
            error.exitCode = ExitCode.loginFailed
            throw error
        }
        // The first line, without its line end (a file written by `echo` ends in one).
        // (By scalars: Swift's Character would keep "\r\n" whole.)
        let line = ScalarText.components(text, separatedBy: "\n")[0]
        let secret = line.unicodeScalars.last == "\r" ? String(String.UnicodeScalarView(line.unicodeScalars.dropLast())) : line
        guard !secret.isEmpty else {
            throw ScriptError(location, "\(what): the first line of \(path) is empty", exitCode: ExitCode.loginFailed)
        }
        return secret
    }
}
