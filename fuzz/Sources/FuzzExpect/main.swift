import AMIProtocol
import AMIScriptLanguage
import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore

/// libFuzzer's entry: `expect`'s incremental matching against a whole-buffer scan.
///
/// The input, up to its first NUL byte, is one to three patterns, one a line:
/// `FLAGS/REGEX` (FLAGS of `i s m x`, possibly none: `/Event: (\w+)`), or `=TEXT` for a
/// string pattern (exact text). After the NUL comes the text the server sends, cut into
/// reads at each byte 0x01 (the 0x01 bytes themselves are not sent).
///
/// A script with one `expect`, a branch per pattern (each prints its number, `$before`,
/// `$0` and every group, and goes on with `exp_continue` up to four matches) and a
/// `timeout` branch, runs against a fake session that hands over the reads one by one.
/// The reference does what the language promises on the text received so far, with no
/// incremental state: after each read, every pattern is matched against the whole
/// unconsumed text from its start; the match that starts earliest wins (ties: the first
/// pattern); it consumes through its end. The printed output must be the same.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzExpect(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let input = Array(UnsafeRawBufferPointer(start: start, count: count))
    guard let nul = input.firstIndex(of: 0) else { return 0 }
    var patterns: [Pattern] = []
    for line in input[..<nul].split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).prefix(3) {
        guard let pattern = Pattern(line) else { return 0 }
        patterns.append(pattern)
    }
    let reads = input[(nul + 1)...].split(separator: 1, omittingEmptySubsequences: false).prefix(64).map(Array.init)

    let branches = patterns
    let sent = reads
    let got = runSynchronously { await runScript(branches, sent) }
    // PCRE2 gave up (match limit): a runtime error whose moment depends on where each
    // scan starts; only the run's survival is judged then.
    guard let expected = reference(patterns, reads) else { return 0 }
    // The same where the run stopped because PCRE2 gave up (a JIT stack or match limit)
    // on a scan the reference did not need: partial matching turns off PCRE2's
    // shortcuts (a required character absent, say). An error, never a wrong match.
    if got.contains(" gave up on this text ") { return 0 }
    if got != expected {
        fatalError("""
            expect found another match than a whole-buffer scan
            patterns: \(patterns.map(\.display))
            reads: \(reads.map { VisibleBytes($0) })
            expected (whole-buffer scan):
            \(VisibleBytes(Array(expected.utf8)))
            got (amiscript):
            \(VisibleBytes(Array(got.utf8)))
            """)
    }
    return 0
}

/// How many matches one run takes (`exp_continue` up to this).
let matchLimit = 4

struct Pattern {
    /// The pattern as compiled: regex source, or the exact text.
    var source: String
    var flags: String
    var literal: Bool
    var regex: Regex

    /// Names the interpreter gives a meaning to: a named group by one of these would change
    /// the run itself (`(?<match_max>\d)` sets the buffer size), not what is compared.
    static let reservedNames: Set<String> = ["zz_n", "match_max", "timeout", "before"]

    init?(_ line: ArraySlice<UInt8>) {
        let text = String(decoding: line, as: UTF8.self)
        if text.hasPrefix("=") {
            source = String(text.dropFirst())
            flags = ""
            literal = true
        } else if let slash = text.firstIndex(of: "/"), text[..<slash].allSatisfy({ "ismx".contains($0) }) {
            flags = String(text[..<slash])
            source = String(text[text.index(after: slash)...])
            literal = false
        } else {
            source = text
            flags = ""
            literal = false
        }
        guard let regex = try? Regex(source, flags: flags, literal: literal) else { return nil }
        guard regex.captureCount <= 20, !regex.groupNames.contains(where: { Self.reservedNames.contains($0.name) }) else { return nil }
        self.regex = regex
    }

    var display: String { literal ? "\"\(source)\"" : "/\(source)/\(flags)" }
}

// MARK: The reference

/// What the script prints, computed from the language's rules on whole buffers; nil
/// when PCRE2 gives up on a pattern.
func reference(_ patterns: [Pattern], _ reads: [[UInt8]]) -> String? {
    var received: [UInt8] = []
    var head = 0
    var nextRead = 0
    var matches = 0
    var output = ""
    while true {
        let unconsumed = Array(received[head...])
        var best: (branch: Int, groups: [Range<Int>?])?
        for (branch, pattern) in patterns.enumerated() {
            let found: [Range<Int>?]?
            do { found = try pattern.regex.match(unconsumed, from: 0) } catch { return nil }
            guard let groups = found, let whole = groups[0] else { continue }
            if best == nil || whole.lowerBound < best!.groups[0]!.lowerBound { best = (branch, groups) }
        }
        if let best {
            let whole = best.groups[0]!
            var line = [String(best.branch), text(unconsumed[..<whole.lowerBound])]
            for group in best.groups { line.append(group.map { text(unconsumed[$0]) } ?? "") }
            output += line.joined(separator: " ") + "\n"
            head += whole.upperBound
            matches += 1
            if matches == matchLimit { return output }
            continue
        }
        if nextRead < reads.count {
            received += reads[nextRead]
            nextRead += 1
            continue
        }
        return output + "T " + text(unconsumed[...]) + "\n"
    }
}

func text(_ bytes: ArraySlice<UInt8>) -> String {
    String(decoding: bytes, as: UTF8.self)
}

// MARK: The interpreter

func runScript(_ patterns: [Pattern], _ reads: [[UInt8]]) async -> String {
    // The script's text with a placeholder pattern per branch; the patterns go into the
    // tree afterwards (any text at all can be a pattern there, as after `${}` and quoting).
    var script = "connect\nset zz_n 0\nexpect -timeout 5 {\n"
    for (branch, pattern) in patterns.enumerated() {
        let groups = (0...pattern.regex.captureCount).map { " $\($0)" }.joined()
        script += "    /x/ { print \"\(branch)\" $before\(groups); set zz_n ($zz_n + 1); if $zz_n < \(matchLimit) { exp_continue } }\n"
    }
    script += "    timeout { print \"T\" $before }\n}\n"
    let source = SourceFile(name: "fuzz.ami", text: script)
    let (parsed, diagnostics) = Parser.parse(source)
    guard diagnostics.isEmpty else { fatalError("the harness's script does not parse: \(diagnostics)") }
    let statements = parsed.statements.map { statement -> Statement in
        guard case .expect(let timeout, var branches, let location) = statement else { return statement }
        for (index, pattern) in patterns.enumerated() {
            guard case .regex(var literal) = branches[index].pattern else { fatalError("template") }
            if pattern.literal {
                branches[index].pattern = .text(.literal(.string(pattern.source), branches[index].location))
            } else {
                literal.parts = [.pattern(pattern.source)]
                literal.flags = pattern.flags
                branches[index].pattern = .regex(literal)
            }
        }
        return .expect(timeout: timeout, branches: branches, location)
    }

    let session = ReadsSession(reads)
    let output = Output()
    let interpreter = Interpreter(
        configuration: Interpreter.Configuration(scriptName: "fuzz.ami", arguments: [], environment: [:]),
        session: session, output: output)
    let (code, error) = await interpreter.run(statements)
    if code != 0 || error != nil {
        return output.text + "exit \(code): \(error.map { "\($0.diagnostic)" } ?? "")\n"
    }
    return output.text
}

/// A connected server that sends the given reads, one per `receive`, framing its packets
/// as the client does (so `expect`'s event queue sees them too), then times out.
final class ReadsSession: ScriptSession {
    private var reads: [[SessionInput]] = []
    var log: SessionLog?
    var connected = false
    var isConnected: Bool { connected }
    var peer: String? { connected ? "fuzz:5038" : nil }

    init(_ texts: [[UInt8]]) {
        var decoder = AMIDecoder(configuration: .client)
        var unframed = ByteBuffer()
        var offset: Int64 = 0
        var framing = true
        for bytes in texts {
            var read: [SessionInput] = [.text(AMIReceivedChunk(bytes, streamOffset: offset))]
            offset += Int64(bytes.count)
            if framing {
                unframed.writeBytes(bytes)
                var run = AMIRunBuilder(bytes: unframed, readsLegacyCommandBodies: true)
                do {
                    while let frame = try decoder.nextFrame(buffer: &unframed) {
                        if case .packet(let index, let length, let streamStart) = frame {
                            run.append(index: index, length: length, streamStart: streamStart)
                        }
                    }
                } catch {
                    // A real connection would end here; the text still comes, unframed.
                    framing = false
                }
                unframed.discardReadBytes()
                if let packets = run.take() { read.append(.packets(packets)) }
            }
            reads.append(read)
        }
    }

    func connect(host: String, port: Int, tls: Bool, timeout: Double) async throws(SessionError) -> String? {
        connected = true
        return "Asterisk Call Manager/13.0.0"
    }

    func send(_ bytes: [UInt8]) async throws(SessionError) {}

    func send(_ action: AMIAction) async throws(SessionError) -> String { "1" }

    func receive(timeout: Double?) async throws(SessionError) -> [SessionInput] {
        guard !reads.isEmpty else { return [.timeout] }
        return reads.removeFirst()
    }

    func close(logoff: Bool, timeout: Double) async {
        connected = false
    }
}

final class Output: ScriptOutput {
    var text = ""
    func writeOutput(_ text: String) { self.text += text }
    func writeError(_ text: String) { self.text += "stderr: " + text }
    func readSecret(prompt: String) -> String? { nil }
}

// MARK: Helpers

/// Runs async code to its end from libFuzzer's synchronous callback.
func runSynchronously(_ body: @escaping @Sendable () async -> String) -> String {
    final class Box: @unchecked Sendable { var value = "" }
    let box = Box()
    let done = DispatchSemaphore(value: 0)
    Task {
        box.value = await body()
        done.signal()
    }
    done.wait()
    return box.value
}

/// Bytes with CR, LF and control bytes shown, for failure messages.
struct VisibleBytes: CustomStringConvertible {
    var bytes: [UInt8]
    init(_ bytes: [UInt8]) { self.bytes = bytes }
    var description: String {
        String(decoding: bytes, as: UTF8.self).unicodeScalars.map { scalar -> String in
            switch scalar {
            case "\r": return "\\r"
            case "\n": return "\\n"
            case "\\": return "\\\\"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: return "\\x" + String(scalar.value, radix: 16)
            default: return String(scalar)
            }
        }.joined()
    }
}
