import AMIProtocol
import AMIScriptLanguage
import NIOCore

/// A scripted server for interpreter tests. What it "sends" is framed as the client frames
/// a read (the same decoder, across reads), and `receive` hands out one read at a time —
/// its text, then the packets completed in it — so the interpreter's one input pump runs
/// here as it does on a socket. Actions are answered from `answers`, in order.
final class FakeSession: ScriptSession {
    /// Reads not yet received, oldest first.
    private(set) var reads: [[SessionInput]] = []
    var sent: [String] = []
    var actions: [(String, [AMIHeader])] = []
    /// The answer to each action sent, in order: packet text, `{id}` standing for the
    /// action's ActionID. With none left, the action gets no answer (it times out).
    var answers: [String] = []
    var connected = false
    var banner: String? = "Asterisk Call Manager/13.0.0"
    var receiveCalls = 0
    private var decoder = AMIDecoder(configuration: .client)
    /// The bytes of a packet that a read ended inside (framed when the rest comes).
    private var unframed = ByteBuffer()
    private var offset: Int64 = 0
    private var nextActionID = 0

    var log: SessionLog?
    var isConnected: Bool { connected }
    var peer: String? { connected ? "fake:5038" : nil }

    func connect(host: String, port: Int, tls: Bool, timeout: Double) async throws(SessionError) -> String? {
        connected = true
        return banner
    }

    func send(_ bytes: [UInt8]) async throws(SessionError) {
        sent.append(String(decoding: bytes, as: UTF8.self))
        log?.record(.sent, bytes)
    }

    func send(_ action: AMIAction) async throws(SessionError) -> String {
        nextActionID += 1
        let id = action.actionID ?? "\(nextActionID)"
        actions.append((action.name, action.headers))
        if !answers.isEmpty {
            receiveText(answers.removeFirst().replacingOccurrences(of: "{id}", with: id))
        }
        return id
    }

    /// One read (`[.timeout]` at once when none is left: the wait ran out).
    func receive(timeout: Double?) async throws(SessionError) -> [SessionInput] {
        receiveCalls += 1
        guard !reads.isEmpty else { return [.timeout] }
        let read = reads.removeFirst()
        for case .text(let chunk) in read { log?.record(.received, chunk.bytes) }
        return read
    }

    func close(logoff: Bool, timeout: Double) async {
        connected = false
    }

    var streamOffset: Int64 { offset }

    /// Queues one read of `text`: the text, then the packets it completes (framed by the
    /// client's decoder; a decoding error ends the connection after the text, as it does
    /// on a socket). Returns those packets.
    @discardableResult
    func receiveText(_ text: String) -> [AMIPacket] {
        receiveBytes(Array(text.utf8))
    }

    /// The same for bytes (a read may end inside a UTF-8 character).
    @discardableResult
    func receiveBytes(_ bytes: [UInt8]) -> [AMIPacket] {
        var read: [SessionInput] = [.text(AMIReceivedChunk(bytes, streamOffset: offset))]
        offset += Int64(bytes.count)
        unframed.writeBytes(bytes)
        let framing = unframed
        var run = AMIRunBuilder(bytes: framing, readsLegacyCommandBodies: true)
        var ending: SessionInput?
        do {
            while let frame = try decoder.nextFrame(buffer: &unframed) {
                if case .packet(let index, let length, let streamStart) = frame {
                    run.append(index: index, length: length, streamStart: streamStart)
                }
            }
        } catch {
            ending = .eof("\(error)")
        }
        unframed.discardReadBytes()
        let packets = run.take()
        if let packets { read.append(.packets(packets)) }
        if let ending { read.append(ending) }
        reads.append(read)
        return packets.map(Array.init) ?? []
    }

    /// Queues the end of the connection.
    func receiveEnd(_ reason: String) {
        reads.append([.eof(reason)])
    }

    /// Queues a packet's text as one read; returns the packet.
    @discardableResult
    func receivePacket(_ text: String) -> AMIPacket {
        receiveText(text).last ?? AMIPacket(headers: [])
    }

    /// Queues packets as one read brings them.
    func receiveRun(_ texts: [String]) {
        receiveText(texts.joined())
    }
}

final class CapturedOutput: ScriptOutput {
    var output = ""
    var error = ""
    func writeOutput(_ text: String) { output += text }
    func writeError(_ text: String) { error += text }
    func readSecret(prompt: String) -> String? { "typed-secret" }
}

/// Parses and runs a script against a fake session.
func runScript(_ text: String, session: FakeSession, arguments: [String] = []) async -> (output: String, error: String, code: Int32, diagnostic: String?) {
    let source = SourceFile(name: "test.ami", text: text)
    let (script, diagnostics) = Parser.parse(source)
    if let first = diagnostics.first { return ("", "", 65, first.description) }
    let output = CapturedOutput()
    let interpreter = Interpreter(
        configuration: Interpreter.Configuration(scriptName: "test.ami", arguments: arguments, environment: ["AMI_USERNAME": "admin", "AMI_SECRET": "s"]),
        session: session, output: output)
    let (code, error) = await interpreter.run(script.statements)
    return (output.output, output.error, code, error?.diagnostic.description)
}
