import AMISimulator
import ArgumentParser
import CommandLineSupport

/// `--replay FILE` and `--replay-speed N`: checked with the other options, the file read
/// before amisim listens (a file that is not a recording is said with its line, exit 65).
enum ReplayCommandLine {
    /// EX_DATAERR (sysexits.h), as amiscript's parse errors: the file is no recording.
    static let malformedFile: Int32 = 65

    static func validate(_ command: AMISim) throws {
        guard command.replaySpeed.isFinite, command.replaySpeed >= 0 else {
            throw ValidationError("--replay-speed wants a number, 0 or more, not \(command.replaySpeed)")
        }
        guard command.replay != nil else {
            if command.replaySpeed != 1 { throw ValidationError("--replay-speed goes with --replay") }
            return
        }
        // The recording answers: options that shape the simulated server would be ignored.
        let unused = [
            ("--fault", !command.faults.isEmpty), ("--manager-conf", command.managerConf != nil),
            ("--mailbox", !command.mailboxes.isEmpty), ("--var", !command.variables.isEmpty),
            ("--legacy-command", command.legacyCommand), ("--byte-delay", command.byteDelay > 0),
        ].filter(\.1).map(\.0)
        if let first = unused.first {
            throw ValidationError("\(first) does not go with --replay (the recording answers)")
        }
    }

    /// The replay of `file`; exits 64 when it cannot be read, 65 when it is no recording.
    static func options(file: String, speed: Double) throws -> ReplayOptions {
        let bytes: [UInt8]
        switch StandardStreams.readBytesOrReason(file) {
        case .success(let read): bytes = read
        case .failure(let failure): throw ValidationError("cannot read \(file): \(failure.reason)")
        }
        do {
            let transcript = try ReplayTranscript.parse(String(decoding: bytes, as: UTF8.self))
            return ReplayOptions(transcript: transcript, speed: speed) { complaint in
                StandardStreams.writeError("amisim: replay: \(complaint)\n")
            }
        } catch {
            StandardStreams.writeError("amisim: \(file): \(error)\n")
            throw ExitCode(malformedFile)
        }
    }
}
