import Foundation

/// Runs the built executables (`amisim`, `amiscript`) as a user would.
public enum BuiltBinary {
    /// The folder the test bundle was built into, which holds the executables too.
    public static var directory: URL {
        let runner = URL(fileURLWithPath: CommandLine.arguments[0])
        var folder = runner.deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("amisim").path),
              folder.path != "/" {
            folder = folder.deletingLastPathComponent()
        }
        return folder
    }

    public struct Result {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// Runs `name` with `arguments` and waits for it (at most `timeout` seconds).
    public static func run(
        _ name: String, _ arguments: [String], environment: [String: String] = [:],
        stdin: String? = nil, timeout: Double = 30, directory: URL? = nil, executable: URL? = nil
    ) throws -> Result {
        let process = Process()
        if let directory { process.currentDirectoryURL = directory }
        process.executableURL = executable ?? BuiltBinary.directory.appendingPathComponent(name)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // Read both pipes while the process runs, so a large output cannot block it.
        let collected = OutputCollector()
        let group = DispatchGroup()
        for (handle, isError) in [(out.fileHandleForReading, false), (err.fileHandleForReading, true)] {
            group.enter()
            DispatchQueue.global().async {
                let data = handle.readDataToEndOfFile()
                collected.set(data, isError: isError)
                group.leave()
            }
        }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(5_000) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        group.wait()
        return Result(status: process.terminationStatus, stdout: collected.text(isError: false), stderr: collected.text(isError: true))
    }

    private final class OutputCollector: @unchecked Sendable {
        private let lock = NSLock()
        private var out = Data(), err = Data()
        func set(_ data: Data, isError: Bool) {
            lock.lock(); defer { lock.unlock() }
            if isError { err = data } else { out = data }
        }
        func text(isError: Bool) -> String {
            lock.lock(); defer { lock.unlock() }
            return String(decoding: isError ? err : out, as: UTF8.self)
        }
    }

    /// A started `amisim`, stopped with SIGTERM by `stop()`.
    public final class Simulator {
        public let process = Process()
        public private(set) var port = 0
        private let out = Pipe()

        public init(_ arguments: [String] = []) throws {
            process.executableURL = BuiltBinary.directory.appendingPathComponent("amisim")
            process.arguments = ["--port", "0"] + arguments
            process.standardOutput = out
            try process.run()
            // Wait for the one line that says where it listens.
            var text = ""
            let handle = out.fileHandleForReading
            while !text.contains("\n") {
                let data = handle.availableData
                if data.isEmpty { break }
                text += String(decoding: data, as: UTF8.self)
            }
            guard let line = text.split(separator: "\n").first, line.hasPrefix("amisim listening on "),
                  let port = Int(line.split(separator: ":").last ?? "") else {
                throw NSError(domain: "amisim", code: 1, userInfo: [NSLocalizedDescriptionKey: "no listening line: \(text)"])
            }
            self.port = port
        }

        /// SIGTERM, then the exit status.
        public func stop() -> Int32 {
            process.terminate()
            process.waitUntilExit()
            return process.terminationStatus
        }
    }
}
