import AMIScriptSession
import CommandLineSupport

/// `--record FILE` for a script or the REPL: the file is created before anything connects
/// (a path that cannot be written is said at once, exit 73, not after the script ran), and
/// a recording cut short by a failed write is said at the end (exit 73 unless the script
/// failed on its own).
struct Recording {
    /// EX_CANTCREAT (sysexits.h): the record file cannot be created or written.
    static let cannotCreate: Int32 = 73

    let path: String?
    let recorder: SessionRecorder?

    /// nil (said on stderr) when the file cannot be created; without a path, no recording.
    static func open(_ path: String?) -> Recording? {
        guard let path else { return Recording(path: nil, recorder: nil) }
        do {
            return Recording(path: path, recorder: try SessionRecorder(path: path, recordedBy: "amiscript \(AMIScriptVersion.string)"))
        } catch {
            StandardStreams.writeError("amiscript: cannot create the record file \(path): \(error.reason)\n")
            return nil
        }
    }

    /// The exit code once the session is over.
    func finish(_ code: Int32) -> Int32 {
        guard let recorder, let path else { return code }
        let failure = recorder.writeFailure
        recorder.close()
        guard let failure else { return code }
        StandardStreams.writeError("amiscript: the record file \(path) is incomplete: \(failure)\n")
        return code == 0 ? Self.cannotCreate : code
    }
}
