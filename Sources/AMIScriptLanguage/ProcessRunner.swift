import Dispatch

/// `exec(program, args...)` and `sh(command)`: a program run directly (no shell unless
/// `sh`), its arguments passed as given, standard input from /dev/null, its output and
/// errors collected. It gets the script's timeout: past it the program (and whatever it
/// started, its process group) is killed and the status is 124.
///
/// The wait happens on a thread of its own: the script's thread also runs the connection
/// (and, under --sim, the simulator), which must not stop while a program runs.
enum ProcessRunner {
    struct Outcome: Sendable {
        var status: Int
        var stdout: String
        var stderr: String

        var value: Value {
            .map(OrderedMap([("status", .number(Double(status))), ("stdout", .string(stdout)), ("stderr", .string(stderr))]))
        }
    }

    /// Output kept per stream; the rest is read and dropped (a note says so).
    static let maxOutputBytes = 16 << 20

    static func run(_ arguments: [String], environment: [String: String], timeout: Double?) async -> Outcome {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: runBlocking(arguments, environment: environment, timeout: timeout))
            }
        }
    }

    private static func runBlocking(_ arguments: [String], environment: [String: String], timeout: Double?) -> Outcome {
        var output: [Int32] = [-1, -1]
        var errors: [Int32] = [-1, -1]
        guard pipe(&output) == 0 else { return failure(arguments[0], errno) }
        guard pipe(&errors) == 0 else {
            let code = errno
            close(output[0]); close(output[1])
            return failure(arguments[0], code)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errors[1], 2)
        for descriptor in output + errors { posix_spawn_file_actions_addclose(&actions, descriptor) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own process group, so a timeout kills what a shell started too.
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attributes, 0)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        sigaddset(&defaults, SIGINT)
        posix_spawnattr_setsigdefault(&attributes, &defaults)

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid = pid_t()
        let spawned = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, envp)
        close(output[1])
        close(errors[1])
        guard spawned == 0 else {
            close(output[0]); close(errors[0])
            return failure(arguments[0], spawned)
        }
        var collected: [[UInt8]] = [[], []]
        var dropped = [0, 0]
        var open = [output[0], errors[0]]
        let deadline = timeout.map { Clock.now + $0 }
        var timedOut = false
        var status: Int32 = 0
        var ended = false
        // After the program ends, what it started in the background (`sh("daemon &")`) may
        // hold its output open: read on while output comes, then return without it.
        var drainUntil = Double.infinity
        while open.contains(where: { $0 >= 0 }) {
            if !ended, Self.reap(pid, &status) {
                ended = true
                drainUntil = Clock.now + 0.1
            }
            let now = Clock.now
            if ended, now >= drainUntil { break }
            if !ended, let deadline, now >= deadline {
                timedOut = true
                break
            }
            // Short waits while the program runs, to notice its end.
            var left = min(ended ? drainUntil - now : 0.1, (deadline ?? .infinity) - now)
            left = max(0, left)
            var waiting = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&waiting, nfds_t(waiting.count), Int32(left * 1000) + 1)
            if ready <= 0 { continue }
            for index in 0..<2 where open[index] >= 0 && waiting[index].revents != 0 {
                var chunk = [UInt8](repeating: 0, count: 65_536)
                let count = chunk.withUnsafeMutableBytes { read(open[index], $0.baseAddress, $0.count) }
                if count > 0 {
                    let room = max(0, maxOutputBytes - collected[index].count)
                    collected[index] += chunk[..<min(count, room)]
                    dropped[index] += count - min(count, room)
                    if ended { drainUntil = Clock.now + 0.1 }
                } else if count == 0 || errno != EINTR {
                    close(open[index])
                    open[index] = -1
                }
            }
        }
        for descriptor in open where descriptor >= 0 { close(descriptor) }
        // A program that closed its output (or sent it elsewhere) may still run: the
        // deadline holds until it ends, too.
        var pause: useconds_t = 1_000
        while !ended, !timedOut {
            if Self.reap(pid, &status) {
                ended = true
            } else if let deadline, Clock.now >= deadline {
                timedOut = true
            } else if deadline == nil {
                while waitpid(pid, &status, 0) < 0, errno == EINTR {}
                ended = true
            } else {
                usleep(pause)
                pause = min(pause * 2, 50_000)
            }
        }
        if timedOut {
            kill(-pid, SIGKILL)
            kill(pid, SIGKILL)
            while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        }
        return outcome(status: status, collected: collected, dropped: dropped, arguments: arguments, timeout: timeout, timedOut: timedOut)
    }

    /// True when the program has ended (its status in `status`), without waiting; also
    /// true when it cannot be waited for any more.
    private static func reap(_ pid: pid_t, _ status: inout Int32) -> Bool {
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { return true }
            if result == 0 { return false }
            if errno != EINTR { return true }
        }
    }

    /// The result of a program that ended with `status` (from waitpid).
    private static func outcome(status: Int32, collected: [[UInt8]], dropped: [Int], arguments: [String],
                                timeout: Double?, timedOut: Bool) -> Outcome {
        var errorText = String(decoding: collected[1], as: UTF8.self)
        for (index, name) in ["stdout", "stderr"].enumerated() where dropped[index] > 0 {
            errorText += "amiscript: exec: \(dropped[index]) more bytes of \(name) dropped (at most \(maxOutputBytes) are kept)\n"
        }
        let code: Int
        if timedOut {
            code = 124
            errorText += "amiscript: exec: '\(arguments[0])' killed after \(Value.format(timeout ?? 0))s (the script's timeout)\n"
        } else if status & 0x7f == 0 {
            code = Int((status >> 8) & 0xff)
        } else {
            code = 128 + Int(status & 0x7f)
        }
        return Outcome(status: code, stdout: String(decoding: collected[0], as: UTF8.self), stderr: errorText)
    }

    private static func failure(_ program: String, _ code: Int32) -> Outcome {
        Outcome(status: 127, stdout: "", stderr: "amiscript: exec: cannot run '\(program)': \(String(cString: strerror(code)))\n")
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
