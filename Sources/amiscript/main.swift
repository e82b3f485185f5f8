import AMIClient
import AMIProtocol
import AMISimulator
import ArgumentParser
import CommandLineSupport
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `amiscript`, for now the packet runner: it plays a file of raw AMI packets (header
/// lines, an empty line sends) like the seed's telnet session and prints what the server
/// answers. The scripting language replaces this runner (issue 3); the exit codes are
/// already those of shared/spec/LANGUAGE.md.
@main
struct AMIScript: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "amiscript",
        abstract: "Talk to the Asterisk Manager Interface (AMI) from a file of raw packets.",
        discussion: """
            FILE holds AMI packets as typed in a telnet session: 'Name: value' lines, an empty \
            line after each packet. Lines starting with '#' are comments. Each packet is sent \
            and the server's answer printed. The server is $AMI_HOST:$AMI_PORT \
            (default 127.0.0.1:5038), or the embedded simulator with --sim.
            Exit codes: 0 done, 1 runtime error, 64 usage, 65 bad file, 69 connection failed or \
            closed, 77 login failed, 124 timeout.
            """,
        version: "amiscript 0.1.0"
    )

    @Flag(help: "Run against the embedded AMI simulator on a free loopback port.")
    var sim = false

    @Flag(help: "Write the wire traffic to stderr (>> sent, << received, secrets masked).")
    var trace = false

    @Option(help: "Seconds to wait for each answer.")
    var timeout = 10.0

    @Argument(help: "The packet file ('-' for stdin).")
    var file: String

    func run() async throws {
        let code = await Runner(sim: sim, trace: trace, timeout: timeout, file: file).run()
        if code != 0 { throw ExitCode(code) }
    }
}

struct Runner {
    let sim: Bool
    let trace: Bool
    let timeout: Double
    let file: String

    func run() async -> Int32 {
        guard let text = file == "-" ? StandardStreams.readStandardInput() : StandardStreams.readFile(file) else {
            StandardStreams.writeError("amiscript: cannot read \(file)\n")
            return 66
        }
        let packets = Self.packets(in: text)
        if packets.isEmpty {
            StandardStreams.writeError("\(file):1:1: error: no packet in the file (header lines, then an empty line)\n")
            return 65
        }
        var host = environment("AMI_HOST") ?? "127.0.0.1"
        var port = Int(environment("AMI_PORT") ?? "") ?? 5038
        var server: AMISimulatorServer?
        if sim {
            do {
                server = try await AMISimulatorServer.start(SimulatorOptions())
                host = server!.host
                port = server!.port
            } catch {
                StandardStreams.writeError("amiscript: cannot start the simulator: \(error)\n")
                return 69
            }
        }
        defer { if let server { Task { await server.stop() } } }
        let code = await play(packets, host: host, port: port)
        await server?.stop()
        return code
    }

    /// Blocks of lines separated by empty lines; `#` lines are comments.
    static func packets(in text: String) -> [[String]] {
        var packets: [[String]] = []
        var current: [String] = []
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let line = String(raw)
            if line.hasPrefix("#") { continue }
            if line.trimmingBlanks().isEmpty {
                if !current.isEmpty { packets.append(current) }
                current = []
            } else {
                current.append(line)
            }
        }
        if !current.isEmpty { packets.append(current) }
        return packets
    }

    private func play(_ packets: [[String]], host: String, port: Int) async -> Int32 {
        let connection: AMIConnection
        do {
            connection = try await AMIConnection.connect(host: host, port: port)
        } catch {
            StandardStreams.writeError("amiscript: \(error)\n")
            return 69
        }
        for packet in packets {
            let text = packet.map { $0 + "\r\n" }.joined() + "\r\n"
            traceLines(">> ", text)
            do {
                try await connection.write(ByteBuffer(string: text))
            } catch {
                StandardStreams.writeError("amiscript: \(error)\n")
                return 69
            }
            let isLogin = packet.contains { $0.lowercased().hasPrefix("action:") && $0.lowercased().contains("login") }
            do {
                let response = try await readUntilResponse(connection)
                if isLogin, response.isError {
                    StandardStreams.writeError("amiscript: login failed: \(response["Message"] ?? "")\n")
                    return 77
                }
            } catch AMIClientError.connectionEnded(let end, _) where end == .closedByServer {
                return 0
            } catch let error as AMIClientError {
                StandardStreams.writeError("amiscript: \(error)\n")
                if case .timedOut = error { return 124 }
                return 69
            } catch {
                StandardStreams.writeError("amiscript: \(error)\n")
                return 1
            }
        }
        await connection.close()
        return 0
    }

    /// Prints what arrives until a response packet is complete.
    private func readUntilResponse(_ connection: AMIConnection) async throws -> AMIPacket {
        let seconds = TimeAmount.nanoseconds(Int64(timeout * 1_000_000_000))
        let deadline = NIODeadline.now() + seconds
        while true {
            let left = deadline - .now()
            if left <= .zero { throw AMIClientError.timedOut(waitingFor: "a response", seconds: timeout) }
            do {
                switch try await connection.next(timeout: left, waitingFor: "a response") {
                case .bytes(let buffer, _):
                    let text = String(buffer: buffer)
                    traceLines("<< ", text)
                    StandardStreams.writeOutput(text.replacingCRLF())
                case .message(.packet(let packet)) where packet.kind == .response:
                    return packet
                case .message:
                    continue
                }
            } catch AMIClientError.timedOut {
                throw AMIClientError.timedOut(waitingFor: "a response", seconds: timeout)
            }
        }
    }

    private func traceLines(_ prefix: String, _ text: String) {
        guard trace else { return }
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        for line in lines.dropLast() {
            StandardStreams.writeError(prefix + Self.masked(String(line)).escaped() + "\n")
        }
        if let last = lines.last, !last.isEmpty {
            StandardStreams.writeError(prefix + Self.masked(String(last)).escaped() + "\n")
        }
    }

    /// `Secret:` and `Key:` values never reach a trace.
    static func masked(_ line: String) -> String {
        let lower = line.lowercased()
        for name in ["secret:", "key:"] where lower.hasPrefix(name) {
            return String(line.prefix(name.count)) + " ********"
        }
        return line
    }
}

extension String {
    func trimmingBlanks() -> String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }

    /// CR LF as LF, for a terminal ("\r\n" is one Character in Swift).
    func replacingCRLF() -> String {
        split(separator: "\r\n", omittingEmptySubsequences: false).joined(separator: "\n")
    }

    /// Control characters made visible (`\r`, `\t`, `\xHH`).
    func escaped() -> String {
        var result = ""
        for scalar in unicodeScalars {
            switch scalar {
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\\": result += "\\\\"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    result += "\\x" + (hex.count == 1 ? "0" + hex : hex)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }
}

func environment(_ name: String) -> String? {
    getenv(name).map { String(cString: $0) }
}
