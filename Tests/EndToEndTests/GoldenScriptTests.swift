import AMITestSupport
import Foundation
import XCTest

/// Runs every script under tests/scripts with the built amiscript against amisim and
/// checks what its comments say it must print and exit with:
///
/// ```
/// # args: 123@default          arguments after the script
/// # options: --timeout 1       amiscript options before the script
/// # amisim: --fault stall      a simulator started with these options (default: plain)
/// # env: NAME=value ...        environment variables for amiscript
/// # exit: 0
/// # stdout: a line of standard output (every stdout line must be listed, in order)
/// # stderr: a line of standard error (likewise)
/// ```
final class GoldenScriptTests: XCTestCase {
    struct Expectation {
        var arguments: [String] = []
        var options: [String] = []
        var simulator: [String] = []
        var exit: Int32 = 0
        var stdout: [String] = []
        var stderr: [String] = []
        var stdin: String?
        var environment: [String: String] = [:]
    }

    static func expectation(of text: String) -> Expectation {
        var result = Expectation()
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            func value(_ key: String) -> String? {
                let prefix = "# \(key):"
                guard line.hasPrefix(prefix) else { return nil }
                let rest = line.dropFirst(prefix.count)
                return String(rest.hasPrefix(" ") ? rest.dropFirst() : rest)
            }
            if let args = value("args") { result.arguments = args.split(separator: " ").map(String.init) }
            if let options = value("options") { result.options = options.split(separator: " ").map(String.init) }
            if let sim = value("amisim") { result.simulator = sim.split(separator: " ").map(String.init) }
            if let code = value("exit") { result.exit = Int32(code) ?? -1 }
            if let out = value("stdout") { result.stdout.append(out) }
            if let err = value("stderr") { result.stderr.append(err) }
            if let env = value("env") {
                for pair in env.split(separator: " ") {
                    let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                    if parts.count == 2 { result.environment[parts[0]] = parts[1] }
                }
            }
            if let input = value("stdin") { result.stdin = (result.stdin ?? "") + input + "\n" }
        }
        return result
    }

    func testEveryGoldenScript() throws {
        let root = Transcripts.projectDirectory
        let folder = root.appendingPathComponent("tests/scripts")
        let files = try FileManager.default.subpathsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".ami") }.sorted()
        XCTAssertGreaterThan(files.count, 60)
        var simulators: [[String]: BuiltBinary.Simulator] = [:]
        defer { for simulator in simulators.values { _ = simulator.stop() } }
        var malformed = 0
        for file in files {
            let relative = "tests/scripts/\(file)"
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            let expected = Self.expectation(of: text)
            if expected.exit == 65 { malformed += 1 }
            let simulatorOptions = ["--auth-fail-delay", "0.05", "--call-seconds", "0.5"] + expected.simulator
            if simulators[simulatorOptions] == nil {
                simulators[simulatorOptions] = try BuiltBinary.Simulator(simulatorOptions)
            }
            let port = simulators[simulatorOptions]!.port
            let result = try BuiltBinary.run(
                "amiscript", expected.options + [relative] + expected.arguments,
                environment: ["AMI_HOST": "127.0.0.1", "AMI_PORT": "\(port)"].merging(expected.environment) { $1 },
                stdin: expected.stdin, timeout: 30, directory: root)
            let stdout = expected.stdout.map { $0 + "\n" }.joined()
            let stderr = expected.stderr.map { $0 + "\n" }.joined()
            XCTAssertEqual(result.stdout, stdout, "\(relative): stdout")
            XCTAssertEqual(result.stderr, stderr, "\(relative): stderr")
            XCTAssertEqual(result.status, expected.exit, "\(relative): exit code")
        }
        XCTAssertGreaterThanOrEqual(malformed, 30, "at least 30 malformed scripts with their diagnostics")
    }
}
