import AMIClient
import AMIProtocol
import AMISimulator
import NIOCore
import XCTest

/// The client against amisim over real loopback sockets.
final class ClientTests: XCTestCase {
    private func withServer(
        _ configure: (inout SimulatorOptions) -> Void = { _ in },
        _ body: (Int) async throws -> Void
    ) async throws {
        var options = SimulatorOptions()
        options.failedLoginDelay = 0.05
        options.data.callSeconds = 0.3
        configure(&options)
        let server = try await AMISimulatorServer.start(options)
        do {
            try await body(server.port)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    /// The client error a Ping ends with; a test failure when it succeeds or throws
    /// something else.
    private func pingError(_ connection: AMIConnection, file: StaticString = #filePath, line: UInt = #line) async -> AMIClientError? {
        do {
            _ = try await connection.perform(AMIAction("Ping"), timeout: .seconds(5))
            XCTFail("expected an error", file: file, line: line)
        } catch let error as AMIClientError {
            return error
        } catch {
            XCTFail("not a client error: \(error)", file: file, line: line)
        }
        return nil
    }

    private func connect(_ port: Int, bannerTimeout: TimeAmount = .seconds(3)) async throws -> AMIConnection {
        try await AMIConnection.connect(
            host: "127.0.0.1", port: port,
            configuration: AMIConnection.Configuration(bannerTimeout: bannerTimeout))
    }

    func testPlaintextLoginActionAndLogoff() async throws {
        try await withServer { port in
            let connection = try await self.connect(port)
            XCTAssertEqual(connection.banner, "Asterisk Call Manager/13.0.0")
            try await connection.login(username: "admin", secret: "secret5", events: false, timeout: .seconds(5))
            let count = try await connection.perform(AMIAction("MailboxCount", ["Mailbox": "200@default"]), timeout: .seconds(5))
            XCTAssertEqual(count.response["NewMessages"], "3")
            XCTAssertEqual(count.response["OldMessages"], "2")
            try await connection.logoff(timeout: .seconds(5))
        }
    }

    func testMD5Login() async throws {
        try await withServer { port in
            let connection = try await self.connect(port)
            let result = try await connection.login(username: "admin", secret: "secret5", authentication: .md5, timeout: .seconds(5))
            XCTAssertEqual(result.response["Message"], "Authentication accepted")
            await connection.close()
        }
        XCTAssertEqual(AMILogin.md5Key(challenge: "39057962", secret: "secret5"), "7a9bbf142e6e72ef353d7fa858bc5e7c",
                       "the key of the transcript's own challenge")
    }

    func testWrongSecretAndUnknownUserFailAndTheServerCloses() async throws {
        try await withServer { port in
            for (user, secret) in [("admin", "wrong"), ("mark", "secret5")] {
                let connection = try await self.connect(port)
                do {
                    try await connection.login(username: user, secret: secret, timeout: .seconds(5))
                    XCTFail("login should fail")
                } catch let error as AMIClientError {
                    XCTAssertEqual(error, .loginFailed(message: "Authentication failed"))
                }
                do {
                    while true { _ = try await connection.next(timeout: .seconds(2)) }
                } catch let error as AMIClientError {
                    XCTAssertEqual(error, .connectionEnded(.closedByServer, waitingFor: "data"))
                }
            }
        }
    }

    func testActionBeforeLoginIsPermissionDenied() async throws {
        try await withServer { port in
            let connection = try await self.connect(port)
            let ping = try await connection.perform(AMIAction("Ping"), timeout: .seconds(5))
            XCTAssertTrue(ping.isError)
            XCTAssertEqual(ping.response["Message"], "Permission denied")
            await connection.close()
        }
    }

    func testEventListIsCollectedToItsCompleteEvent() async throws {
        try await withServer { port in
            let connection = try await self.connect(port)
            try await connection.login(username: "admin", secret: "secret5", events: false, timeout: .seconds(5))
            let list = try await connection.perform(AMIAction("VoicemailUsersList"), timeout: .seconds(5))
            XCTAssertEqual(list.events.count, 5)
            XCTAssertEqual(list.events.map { $0["VoiceMailbox"] }, ["1234", "123", "200", "1234@devices", "1234"])
            XCTAssertEqual(list.listEnd?["ListItems"], "5")
            let db = try await connection.perform(AMIAction("DBGet", ["Family": "none", "Key": "x"]), timeout: .seconds(5))
            XCTAssertTrue(db.isError)
            await connection.close()
        }
    }

    func testCommandInBothStyles() async throws {
        for legacy in [false, true] {
            try await withServer({ $0.legacyCommand = legacy }) { port in
                let connection = try await self.connect(port)
                try await connection.login(username: "admin", secret: "secret5", events: false, timeout: .seconds(5))
                let result = try await connection.perform(AMIAction("Command", ["Command": "voicemail show users"]), timeout: .seconds(5))
                XCTAssertEqual(result.response.response, legacy ? "Follows" : "Success")
                XCTAssertEqual(result.response.commandOutput.last, "5 voicemail users configured.", "legacy: \(legacy)")
                XCTAssertEqual(result.response.commandOutput.count, 7)
                let ping = try await connection.perform(AMIAction("Ping"), timeout: .seconds(5))
                XCTAssertEqual(ping.response["Ping"], "Pong", "the stream goes on after the command")
                await connection.close()
            }
        }
    }

    func testEventsArriveInOrderAndUnclaimedOnesStayInTheStream() async throws {
        try await withServer { port in
            let connection = try await self.connect(port)
            try await connection.login(username: "admin", secret: "secret5", events: true, timeout: .seconds(5))
            let originate = try await connection.perform(
                AMIAction("Originate", ["Channel": "Local/s@amitest", "Application": "Wait", "Data": "1", "Async": "true"]),
                timeout: .seconds(5))
            XCTAssertEqual(originate.response["Message"], "Originate successfully queued")
            var names: [String] = []
            while names.filter({ $0 == "Hangup" }).count < 2 {
                if case .packets(let run) = try await connection.next(timeout: .seconds(5)), let name = run.first?.eventName {
                    names.append(name)
                }
            }
            XCTAssertEqual(Array(names.prefix(2)), ["FullyBooted", "SuccessfulAuth"])
            XCTAssertEqual(names.firstIndex(of: "Newchannel"), 2)
            XCTAssertLessThan(names.firstIndex(of: "OriginateResponse")!, names.firstIndex(of: "Hangup")!)
            await connection.close()
        }
    }

    func testUniqueActionIDsEvenWhenSentTogether() async throws {
        try await withServer { port in
            let connection = try await self.connect(port)
            try await connection.login(username: "admin", secret: "secret5", events: false, timeout: .seconds(5))
            var ids: Set<String> = []
            for _ in 0..<200 { ids.insert(try await connection.send(AMIAction("Ping"))) }
            XCTAssertEqual(ids.count, 200)
            var answered: Set<String> = []
            while answered.count < 200 {
                if case .packets(let run) = try await connection.next(timeout: .seconds(5)), let id = run.first?.actionID {
                    answered.insert(id)
                }
            }
            XCTAssertEqual(answered, ids)
            await connection.close()
        }
    }

    func testServerClosingMidPacketIsAClearError() async throws {
        try await withServer({ $0.faults = [.closeMidPacket] }) { port in
            let connection = try await self.connect(port)
            let error = await self.pingError(connection)
            guard case .connectionEnded(.protocolError(.truncatedPacket), _)? = error else { return XCTFail("\(String(describing: error))") }
            XCTAssertTrue("\(error!)".hasPrefix("connection closed in the middle of a packet"), "\(error!)")
        }
    }

    func testStallTimesOutWithoutHanging() async throws {
        try await withServer({ $0.faults = [.stall] }) { port in
            let connection = try await self.connect(port)
            let start = NIODeadline.now()
            do {
                _ = try await connection.perform(AMIAction("Ping"), timeout: .milliseconds(300))
                XCTFail("expected a timeout")
            } catch let error as AMIClientError {
                XCTAssertEqual(error, .timedOut(waitingFor: "the response to Ping", seconds: 0.3))
                XCTAssertEqual("\(error)", "timed out after 0.3s waiting for the response to Ping")
            }
            XCTAssertLessThan(NIODeadline.now() - start, .seconds(3))
            await connection.close()
        }
    }

    func testAShortDeadlineAfterLongOnesIsKept() async throws {
        // The deadline timer outlives a wait (a loop of actions keeps one timer): a later,
        // shorter deadline must still fire on time, and a longer one must not end early.
        try await withServer { port in
            let connection = try await self.connect(port)
            try await connection.login(username: "admin", secret: "secret5", events: false, timeout: .seconds(60))
            for _ in 0..<3 { _ = try await connection.perform(AMIAction("Ping"), timeout: .seconds(60)) }
            var waited = try await self.waitForNothing(connection, .milliseconds(200))
            XCTAssertGreaterThanOrEqual(waited, .milliseconds(200))
            XCTAssertLessThan(waited, .seconds(5), "the 60 s timer of the pings must not stand in")
            // A Ping answered at once leaves its 100 ms timer armed; a 400 ms wait reuses it,
            // is woken early by it, and must wait on to its own deadline.
            _ = try await connection.perform(AMIAction("Ping"), timeout: .milliseconds(100))
            waited = try await self.waitForNothing(connection, .milliseconds(400))
            XCTAssertGreaterThanOrEqual(waited, .milliseconds(400))
            await connection.close()
        }
    }

    /// Drains what is queued, then waits for something that does not come: how long it took.
    private func waitForNothing(_ connection: AMIConnection, _ timeout: TimeAmount) async throws -> TimeAmount {
        // The text of earlier responses stays in the stream (for an Expect-style reader).
        while (try? await connection.nextBatch(timeout: .zero)) != nil {}
        let start = NIODeadline.now()
        do {
            let item = try await connection.next(timeout: timeout)
            XCTFail("nothing should arrive, got \(item)")
        } catch AMIClientError.timedOut {}
        return NIODeadline.now() - start
    }

    func testAnActionAfterTheServerClosedFails() async throws {
        // Writes are not awaited on the event loop: a write to a connection that is over
        // must still fail at once or while waiting, never hang or succeed.
        try await withServer { port in
            let connection = try await self.connect(port)
            try await connection.login(username: "admin", secret: "secret5", events: false, timeout: .seconds(5))
            _ = try await connection.perform(AMIAction("Logoff"), timeout: .seconds(5))
            try await Task.sleep(nanoseconds: 100_000_000)
            let error = await self.pingError(connection)
            guard case .connectionEnded(.closedByServer, _)? = error else { return XCTFail("\(String(describing: error))") }
            await connection.close()
        }
    }

    func testOneMebibyteLineIsAClearError() async throws {
        try await withServer({ $0.faults = [.longLine] }) { port in
            let connection = try await self.connect(port)
            let error = await self.pingError(connection)
            XCTAssertEqual(error, .connectionEnded(.protocolError(.lineTooLong(limit: 65536)), waitingFor: "the response to Ping"))
        }
    }

    func testResetGarbageByteAtATimeAndNoBanner() async throws {
        try await withServer({ $0.faults = [.reset] }) { port in
            let connection = try await self.connect(port)
            let error = await self.pingError(connection)
            XCTAssertEqual(error, .connectionEnded(.failed("connection reset by peer"), waitingFor: "the response to Ping"))
        }
        try await withServer({ $0.faults = [.garbage, .byteAtATime] }) { port in
            let connection = try await self.connect(port)
            XCTAssertEqual(connection.banner, "Asterisk Call Manager/13.0.0")
            try await connection.login(username: "admin", secret: "secret5", events: false, timeout: .seconds(5))
            let ping = try await connection.perform(AMIAction("Ping"), timeout: .seconds(5))
            XCTAssertEqual(ping.response["Ping"], "Pong")
            await connection.close()
        }
        try await withServer({ $0.faults = [.noBanner] }) { port in
            let connection = try await self.connect(port, bannerTimeout: .milliseconds(200))
            XCTAssertNil(connection.banner)
            try await connection.login(username: "admin", secret: "secret5", timeout: .seconds(5))
            await connection.close()
        }
    }

    func testShutdownSendsTheShutdownEventThenCloses() async throws {
        let server = try await AMISimulatorServer.start(SimulatorOptions())
        let connection = try await connect(server.port)
        try await connection.login(username: "admin", secret: "secret5", events: false, timeout: .seconds(5))
        _ = try await connection.perform(AMIAction("Events", ["EventMask": "system"]), timeout: .seconds(5))
        await server.stop()
        var names: [String] = []
        do {
            while true {
                if case .packets(let run) = try await connection.next(timeout: .seconds(5)), let name = run.first?.eventName {
                    names.append(name)
                }
            }
        } catch let error as AMIClientError {
            XCTAssertEqual(error, .connectionEnded(.closedByServer, waitingFor: "data"))
        }
        XCTAssertEqual(names, ["Shutdown"])
    }

    func testConnectionRefusedIsAClearError() async throws {
        let server = try await AMISimulatorServer.start(SimulatorOptions())
        let port = server.port
        await server.stop()
        do {
            _ = try await connect(port)
            XCTFail("expected an error")
        } catch let error as AMIClientError {
            XCTAssertEqual(error, .connectFailed(host: "127.0.0.1", port: port, reason: "connection refused"))
        }
    }
}
