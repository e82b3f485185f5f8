import AMIProtocol
import AMIScriptLanguage
import NIOCore

/// A scripted server for interpreter tests: what `receive` hands out, in order, and a
/// record of what was sent and asked.
final class FakeSession: ScriptSession {
    var inputs: [SessionInput] = []
    var sent: [String] = []
    var actions: [(String, [AMIHeader])] = []
    var actionAnswers: [ActionOutcome] = []
    var connected = false
    var banner: String? = "Asterisk Call Manager/13.0.0"
    var receiveCalls = 0

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

    func receive(timeout: Double?) async throws(SessionError) -> [SessionInput] {
        receiveCalls += 1
        if inputs.isEmpty { return [.timeout] }
        let input = inputs.removeFirst()
        if case .text(let bytes, _) = input { log?.record(.received, Array(bytes.readableBytesView)) }
        return [input]
    }

    func action(_ name: String, headers: [AMIHeader], timeout: Double?,
                progress: (ActionProgress) -> Void) async throws(SessionError) -> ActionOutcome {
        actions.append((name, headers))
        guard !actionAnswers.isEmpty else { throw SessionError.timedOut("no answer") }
        return actionAnswers.removeFirst()
    }

    func close(logoff: Bool, timeout: Double) async {
        connected = false
    }

    /// Queues text as the server would send it, with stream offsets.
    private var offset: Int64 = 0
    var streamOffset: Int64 { offset }
    func receiveText(_ text: String) {
        let bytes = Array(text.utf8)
        inputs.append(.text(ByteBuffer(bytes: bytes), offset: offset))
        offset += Int64(bytes.count)
    }

    /// Queues a packet's text and the packet itself (as the client delivers both).
    @discardableResult
    func receivePacket(_ text: String) -> AMIPacket {
        var decoder = AMIDecoder(configuration: .server)
        var buffer = ByteBuffer(string: text)
        var packet = (try? decoder.decode(buffer: &buffer))??.packet ?? AMIPacket(headers: [])
        packet.streamRange = offset..<(offset + Int64(text.utf8.count))
        receiveText(text)
        inputs.append(.packets(AMIPacketRun([packet])))
        return packet
    }
}

extension FakeSession {
    /// Queues packets as one read brings them: their text in one chunk, then one run of
    /// all of them, framed the way the client's handler frames a read.
    func receiveRun(_ texts: [String]) {
        let text = texts.joined()
        var decoder = AMIDecoder(configuration: .server)
        var buffer = ByteBuffer(string: text)
        var builder = AMIRunBuilder(bytes: buffer, readsLegacyCommandBodies: false)
        let base = streamOffset
        while case .packet(let index, let length, let streamStart)? = try? decoder.nextFrame(buffer: &buffer) {
            builder.append(index: index, length: length, streamStart: base + streamStart)
        }
        receiveText(text)
        if let run = builder.take() { inputs.append(.packets(run)) }
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
