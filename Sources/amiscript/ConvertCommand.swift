import AMIScriptLanguage
import ArgumentParser
import CommandLineSupport
import ExpectConversion

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `amiscript convert FILE.exp [-o OUT.ami]`: an Expect + telnet script as amiscript.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "amiscript convert",
        abstract: "Translate an Expect script that drives AMI through telnet into amiscript.",
        discussion: """
            What cannot be translated stays in the output as a '# convert:' comment, with a warning \
            FILE:LINE on stderr. The result is checked as 'amiscript --check' does.
            Exit codes: 0 converted completely, \(ConvertCommand.incomplete) converted with warnings (look at the \
            '# convert:' lines), 64 usage or an unreadable file, 65 the file is not Tcl, 73 the output cannot be \
            written, 70 the result does not pass the check (a bug in convert).
            """
    )

    /// Converted, with parts left for a person.
    static let incomplete: Int32 = 2

    @Argument(help: "The Expect script.")
    var file: String

    @Option(name: .shortAndLong, help: "Write the amiscript script here (default: standard output).")
    var output: String?

    func run() throws {
        let bytes: [UInt8]
        switch StandardStreams.readBytesOrReason(file) {
        case .success(let read): bytes = read
        case .failure(let failure):
            StandardStreams.writeError("amiscript convert: cannot read \(file): \(failure.reason)\n")
            throw ExitCode(ExitCode.usage)
        }
        // Old scripts may be Latin-1: what is not UTF-8 becomes U+FFFD (and is noted).
        let text = String(decoding: bytes, as: UTF8.self)
        let name = String(file.split(separator: "/").last ?? Substring(file))
        let result: ExpectConverter.Result
        do {
            result = try ExpectConverter.convert(text, sourceName: name)
        } catch {
            StandardStreams.writeError("\(file):\(error.line): error: \(error.message)\n")
            throw ExitCode(ExitCode.parseError)
        }
        for note in result.notes {
            StandardStreams.writeError("\(file):\(note.line): warning: \(note.message)\n")
        }
        if String(validating: bytes, as: UTF8.self) == nil {
            StandardStreams.writeError("\(file): warning: the file is not UTF-8; bytes that are not were replaced by U+FFFD\n")
        }

        // The result must be a script amiscript accepts: --check's errors would be a bug here.
        let outputName = output ?? "(converted \(name))"
        let source = SourceFile(name: outputName, text: result.text)
        let (script, diagnostics) = Parser.parse(source)
        let errors = diagnostics + (diagnostics.isEmpty ? StaticChecks.check(script.statements).filter { $0.severity == .error } : [])
        if !errors.isEmpty {
            for diagnostic in errors { StandardStreams.writeError(diagnostic.rendered(in: source)) }
            StandardStreams.writeError("amiscript convert: the converted script does not pass --check (a bug in convert); it follows on standard output\n")
            StandardStreams.writeOutput(result.text)
            throw ExitCode(70)
        }

        if let output {
            guard write(result.text, to: output, modeLike: file) else {
                StandardStreams.writeError("amiscript convert: cannot write \(output): \(String(cString: strerror(errno)))\n")
                throw ExitCode(73)
            }
        } else {
            StandardStreams.writeOutput(result.text)
        }
        if !result.isComplete {
            let count = result.notes.count
            StandardStreams.writeError("amiscript convert: \(count) thing\(count == 1 ? "" : "s") to look at (the '# convert:' lines)\n")
            throw ExitCode(Self.incomplete)
        }
    }

    /// Writes the file with the Expect script's permissions (it may hold a secret, and it
    /// was executable), replacing what is there.
    private func write(_ text: String, to path: String, modeLike original: String) -> Bool {
        var info = stat()
        let mode = stat(original, &info) == 0 ? info.st_mode & 0o777 : 0o600
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { return false }
            written += count
        }
        return true
    }
}

/// Ends the process (at file scope, where `exit` is the C function, not a method).
func exitProcess(_ code: Int32) -> Never {
    exit(code)
}
