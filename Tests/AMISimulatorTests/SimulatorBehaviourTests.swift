import AMIProtocol
import AMISimulator
import AMITestSupport
import XCTest

/// What the transcripts do not show: configuration, many clients, legacy mode, timeouts.
final class SimulatorBehaviourTests: XCTestCase {
    private func start(_ configure: (inout SimulatorOptions) -> Void = { _ in }) async throws -> AMISimulatorServer {
        var options = SimulatorOptions()
        options.failedLoginDelay = 0.05
        configure(&options)
        return try await AMISimulatorServer.start(options)
    }

    /// Sends a request and reads until `count` packets (empty-line ends) arrived.
    private func exchange(_ socket: RawSocket, _ request: String, packets count: Int = 1) -> String {
        socket.send(request)
        socket.read(timeout: 5) { String(decoding: $0, as: UTF8.self).components(separatedBy: "\r\n\r\n").count - 1 >= count }
        return String(decoding: socket.take(), as: UTF8.self)
    }

    private func login(_ socket: RawSocket, user: String = "admin", secret: String = "secret5", events: String = "off") -> String {
        socket.read(timeout: 5) { String(decoding: $0, as: UTF8.self).hasSuffix("\r\n") }
        _ = socket.take()
        return exchange(socket, "Action: Login\r\nUsername: \(user)\r\nSecret: \(secret)\r\nEvents: \(events)\r\n\r\n")
    }

    func testManagerConfDecidesUsersRightsAndAddresses() throws {
        let config = try ManagerConfiguration.parse("""
            [general]
            enabled = yes ; comment
            authtimeout = 5
            [admin]
            secret = secret5
            deny = 0.0.0.0/0.0.0.0
            permit = 127.0.0.1/255.255.255.255
            read = all,system,call,log,verbose,command,agent,user,config
            write = all,system,call,log,verbose,command,agent,user,config
            [reporter]
            secret=r
            read=reporting
            write = reporting
            deny = 127.0.0.0/8
            """)
        XCTAssertEqual(config.authTimeout, 5)
        let admin = try XCTUnwrap(config.user(named: "ADMIN"))
        XCTAssertEqual(admin.read, .all)
        XCTAssertTrue(admin.permits(address: "127.0.0.1"))
        XCTAssertFalse(admin.permits(address: "10.0.0.1"))
        let reporter = try XCTUnwrap(config.user(named: "reporter"))
        XCTAssertEqual(reporter.write, .reporting)
        XCTAssertFalse(reporter.permits(address: "127.0.0.1"))
        XCTAssertThrowsError(try ManagerConfiguration.parse("[x]\nsecret\n")) { error in
            XCTAssertEqual("\(error)", "line 2: expected 'name = value'")
        }
        XCTAssertThrowsError(try ManagerConfiguration.parse("[x]\npermit = nonsense\n"))
    }

    func testLimitedUserAndDeniedAddress() async throws {
        let config = try ManagerConfiguration.parse("[admin]\nsecret=secret5\nread=all\nwrite=all\n[remote]\nsecret=x\ndeny=0.0.0.0/0\npermit=10.0.0.0/8\nread=all\nwrite=all\n")
        let server = try await start { $0.manager = config }
        let socket = try RawSocket(port: server.port)
        XCTAssertTrue(login(socket, user: "remote", secret: "x").contains("Authentication failed"))
        let admin = try RawSocket(port: server.port)
        XCTAssertTrue(login(admin).contains("Authentication accepted"))
        await server.stop()
    }

    func testManyClientsAtOnceAndEventsReachEveryListener() async throws {
        let server = try await start()
        let sockets = try (0..<20).map { _ in try RawSocket(port: server.port) }
        for socket in sockets { XCTAssertTrue(login(socket, events: "on").contains("Authentication accepted")) }
        // Each login's SuccessfulAuth goes to every session already listening; drain them.
        for socket in sockets { socket.read(timeout: 0.3) { _ in false }; _ = socket.take() }
        let reply = exchange(sockets[0], "Action: UserEvent\r\nActionID: u1\r\nUserEvent: Hello\r\nX: 1\r\n\r\n", packets: 2)
        XCTAssertTrue(reply.hasPrefix("Response: Success\r\nActionID: u1\r\nMessage: Event Sent\r\n\r\n"), reply)
        for socket in sockets.dropFirst() {
            socket.read(timeout: 5) { String(decoding: $0, as: UTF8.self).hasSuffix("\r\n\r\n") }
            XCTAssertEqual(String(decoding: socket.take(), as: UTF8.self),
                           "Event: UserEvent\r\nPrivilege: user,all\r\nUserEvent: Hello\r\nActionID: u1\r\nX: 1\r\n\r\n")
        }
        for socket in sockets {
            XCTAssertTrue(exchange(socket, "Action: Ping\r\nActionID: p\r\n\r\n").contains("Ping: Pong"))
        }
        await server.stop()
    }

    func testLegacyModeAnswersCommandAndQueuesAsOldAsterisk() async throws {
        let server = try await start { $0.legacyCommand = true }
        let socket = try RawSocket(port: server.port)
        _ = login(socket)
        let reply = exchange(socket, "Action: Command\r\nActionID: c1\r\nCommand: core show channels\r\n\r\n")
        XCTAssertTrue(reply.hasPrefix("Response: Follows\r\nPrivilege: Command\r\nActionID: c1\r\nChannel "), reply)
        XCTAssertTrue(reply.hasSuffix("0 calls processed\n--END COMMAND--\r\n\r\n"), reply)
        var decoder = AMIDecoder()
        var buffer = ByteBufferBox.make(reply)
        let packet = try XCTUnwrap(decoder.decode(buffer: &buffer)?.packet)
        XCTAssertEqual(packet.commandOutput.last, "0 calls processed")
        let queues = exchange(socket, "Action: Queues\r\n\r\n")
        XCTAssertTrue(queues.hasPrefix("default has 0 calls"), queues)
        await server.stop()
    }

    func testTooManyLinesAndUnauthenticatedTimeout() async throws {
        let server = try await start { $0.manager.authTimeout = 0.3 }
        let socket = try RawSocket(port: server.port)
        _ = login(socket)
        let many = "Action: UserEvent\r\nActionID: big\r\nUserEvent: X\r\n" + (1...130).map { "H\($0): v\r\n" }.joined() + "\r\n"
        XCTAssertEqual(exchange(socket, many),
                       "Response: Error\r\nActionID: big\r\nMessage: Too many lines in message or allocation failure\r\n\r\n")
        let idle = try RawSocket(port: server.port)
        idle.read(timeout: 3) { _ in false }
        XCTAssertTrue(idle.closedByPeer, "an unauthenticated connection is closed after authtimeout")
        await server.stop()
    }

    func testStallMidResponseAnswersLoginThenHalfAResponseThenNothing() async throws {
        let server = try await start { $0.faults = [.stallMidResponse] }
        let socket = try RawSocket(port: server.port)
        XCTAssertTrue(login(socket).contains("Authentication accepted"), "Login is answered in full")
        socket.send("Action: Ping\r\nActionID: p1\r\n\r\n")
        socket.read(timeout: 0.5) { _ in false }
        let half = String(decoding: socket.take(), as: UTF8.self)
        XCTAssertTrue(half.hasPrefix("Response: Success\r\nActionID: p1\r\n"), half)
        XCTAssertFalse(half.contains("\r\n\r\n"), "half a response, never its end: \(half)")
        socket.send("Action: Ping\r\nActionID: p2\r\n\r\n")
        socket.read(timeout: 0.5) { _ in false }
        XCTAssertEqual(socket.take(), [], "nothing more after the half response")
        XCTAssertFalse(socket.closedByPeer, "the connection stays open")
        await server.stop()
    }

    func testEndlessLineSendsNoLineEndAtABoundedRate() async throws {
        let server = try await start { $0.faults = [.endlessLine] }
        let socket = try RawSocket(port: server.port)
        XCTAssertTrue(login(socket).contains("Authentication accepted"), "Login is answered in full")
        socket.send("Action: Ping\r\nActionID: p1\r\n\r\n")
        let started = Date()
        socket.read(timeout: 10) { $0.count >= 300_000 }
        let elapsed = Date().timeIntervalSince(started)
        let bytes = socket.take()
        XCTAssertGreaterThanOrEqual(bytes.count, 300_000)
        XCTAssertTrue(bytes.allSatisfy { $0 == UInt8(ascii: "x") }, "no line end, no response")
        XCTAssertGreaterThan(elapsed, 0.15, "about 1 MB/s, not as fast as the socket goes")
        await server.stop()
    }

    func testCloseAfterLoginAnswersSuccessThenCloses() async throws {
        let server = try await start { $0.faults = [.closeAfterLogin] }
        let socket = try RawSocket(port: server.port)
        XCTAssertEqual(login(socket, events: "on"), "Response: Success\r\nMessage: Authentication accepted\r\n\r\n")
        socket.read(timeout: 3) { _ in false }
        XCTAssertTrue(socket.closedByPeer)
        XCTAssertEqual(socket.take(), [], "no events after the response")
        await server.stop()
    }

    func testByteDelayWritesOneBytePerTick() async throws {
        let server = try await start { $0.byteDelay = 0.02 }
        let socket = try RawSocket(port: server.port)
        let started = Date()
        socket.read(timeout: 5) { String(decoding: $0, as: UTF8.self).hasSuffix("\r\n") }
        let elapsed = Date().timeIntervalSince(started)
        XCTAssertEqual(String(decoding: socket.take(), as: UTF8.self), "Asterisk Call Manager/13.0.0\r\n")
        XCTAssertGreaterThan(elapsed, 0.5, "30 bytes 20 ms apart")
        // Logoff's close waits for the slow bytes of its answer.
        socket.send("Action: Logoff\r\n\r\n")
        socket.read(timeout: 5) { _ in false }
        XCTAssertEqual(String(decoding: socket.take(), as: UTF8.self),
                       "Response: Goodbye\r\nMessage: Thanks for all the fish.\r\n\r\n")
        XCTAssertTrue(socket.closedByPeer)
        await server.stop()
    }

    func testCommandErrorsSuggestLikeAsterisk() async throws {
        let server = try await start()
        let socket = try RawSocket(port: server.port)
        _ = login(socket)
        let reply = exchange(socket, "Action: Command\r\nActionID: x\r\nCommand: core show nothing\r\n\r\n")
        XCTAssertTrue(reply.contains("Output: No such command 'core show nothing' (type 'core show help core show nothing' for other possible commands)"), reply)
        let permission = try RawSocket(port: server.port)
        _ = login(permission, user: "limited", secret: "limited1")
        XCTAssertTrue(exchange(permission, "Action: CoreStatus\r\nActionID: s\r\n\r\n").contains("CoreStartupDate"),
                      "system rights reach CoreStatus (system,reporting)")
        await server.stop()
    }
}

import NIOCore
enum ByteBufferBox {
    static func make(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }
}
