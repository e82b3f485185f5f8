import AMIProtocol
import NIOCore
import NIOPosix
import NIOSSL

/// A client connection to an Asterisk manager.
///
/// One task reads it (`next`, `perform`, `login`): received bytes and packets come out in
/// wire order, responses are matched to actions by ActionID, and every wait has a deadline,
/// so a server that stalls, closes or resets gives an error instead of a hang. Writes may
/// come from anywhere.
public final class AMIConnection: Sendable {
    public struct Configuration: Sendable {
        public var connectTimeout: TimeAmount
        /// How long `connect` waits for the banner line before going on without one.
        public var bannerTimeout: TimeAmount
        public var decoder: AMIDecoder.Configuration
        /// Unread received bytes above which reading pauses (memory stays bounded).
        public var maxBufferedBytes: Int
        /// The ActionIDs this connection generates start with this.
        public var actionIDPrefix: String
        /// TLS on the connection, or nil for plain TCP.
        public var tls: AMITLSOptions?
        /// Sees every chunk written (`.sent`) and received (`.received`), for a wire trace.
        public var wireTap: (@Sendable (WireDirection, ByteBuffer) -> Void)?

        public init(
            connectTimeout: TimeAmount = .seconds(10),
            bannerTimeout: TimeAmount = .seconds(3),
            decoder: AMIDecoder.Configuration = .client,
            maxBufferedBytes: Int = 256 * 1024,
            actionIDPrefix: String = "amiscript"
        ) {
            self.connectTimeout = connectTimeout
            self.bannerTimeout = bannerTimeout
            self.decoder = decoder
            self.maxBufferedBytes = maxBufferedBytes
            self.actionIDPrefix = actionIDPrefix
        }
    }

    public enum WireDirection: Sendable { case sent, received }

    public let host: String
    public let port: Int
    private let wireTap: (@Sendable (WireDirection, ByteBuffer) -> Void)?
    /// The banner line, or nil when the server sent none in time.
    public let banner: String?
    private let channel: Channel
    private let inbox: AMIInbox
    private let actionIDs: ActionIDGenerator

    private init(host: String, port: Int, banner: String?, channel: Channel, inbox: AMIInbox, prefix: String,
                 wireTap: (@Sendable (WireDirection, ByteBuffer) -> Void)?) {
        self.wireTap = wireTap
        self.host = host
        self.port = port
        self.banner = banner
        self.channel = channel
        self.inbox = inbox
        self.actionIDs = ActionIDGenerator(prefix: prefix)
    }

    /// Connects, then reads the banner line (it stays in the stream as bytes, so an
    /// Expect-style reader still sees it).
    public static func connect(
        host: String,
        port: Int,
        configuration: Configuration = Configuration(),
        group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> AMIConnection {
        let inboxBox = InboxBox()
        let sslContext: NIOSSLContext?
        if let tls = configuration.tls {
            do {
                var settings = TLSConfiguration.makeClientConfiguration()
                settings.certificateVerification = tls.verifyCertificate ? .fullVerification : .none
                if let file = tls.trustedCertificatesFile { settings.trustRoots = .file(file) }
                sslContext = try NIOSSLContext(configuration: settings)
            } catch {
                throw AMIClientError.connectFailed(host: host, port: port, reason: "TLS setup failed: \(error)")
            }
        } else {
            sslContext = nil
        }
        // SNI takes a name, not an address.
        let serverName = host.first.map { $0.isLetter } == true ? host : nil
        let receivedTap: (@Sendable (ByteBuffer) -> Void)?
        if let wireTap = configuration.wireTap {
            receivedTap = { bytes in wireTap(.received, bytes) }
        } else {
            receivedTap = nil
        }
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(configuration.connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            // Start with 64 KiB reads (NIO starts at 2 KiB and grows): a burst of events is
            // read in large pieces from its first byte.
            .channelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 65_536, maximum: 65_536))
            .channelInitializer { channel in
                let inbox = AMIInbox(
                    highWater: configuration.maxBufferedBytes,
                    pause: { channel.setOption(.autoRead, value: false).whenComplete { _ in } },
                    resume: {
                        channel.eventLoop.execute {
                            channel.setOption(.autoRead, value: true).whenComplete { _ in }
                            channel.read()
                        }
                    }
                )
                inboxBox.set(inbox)
                return channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: sslContext, serverHostname: serverName))
                    }
                    try channel.pipeline.syncOperations.addHandler(
                        AMIInboundHandler(inbox: inbox, decoder: AMIDecoder(configuration: configuration.decoder),
                                          tap: receivedTap)
                    )
                }
            }
        let channel: Channel
        do {
            // An address given as such needs no resolver: NIO's runs getaddrinfo on a
            // Dispatch thread, which a cron job pays for at every start (docs/performance.md).
            if let address = try? SocketAddress(ipAddress: host, port: port) {
                channel = try await bootstrap.connect(to: address).get()
            } else {
                channel = try await bootstrap.connect(host: host, port: port).get()
            }
        } catch let error as ChannelError where error == .connectTimeout(configuration.connectTimeout) {
            throw AMIClientError.connectTimedOut(host: host, port: port, seconds: configuration.connectTimeout.seconds)
        } catch {
            throw AMIClientError.connectFailed(host: host, port: port, reason: describeConnectError(error))
        }
        guard let inbox = inboxBox.get() else {
            throw AMIClientError.connectFailed(host: host, port: port, reason: "no channel")
        }
        let banner = try await readBanner(inbox: inbox, channel: channel, timeout: configuration.bannerTimeout,
                                          slowLineTimeout: max(configuration.bannerTimeout, configuration.connectTimeout))
        return AMIConnection(
            host: host, port: port, banner: banner, channel: channel, inbox: inbox,
            prefix: configuration.actionIDPrefix, wireTap: configuration.wireTap
        )
    }

    /// The banner line: nil when nothing came within `timeout` (a TLS port spoken to in
    /// plain text is silent). A line that has begun but comes slowly (a slow link) is
    /// waited for up to `slowLineTimeout`.
    private static func readBanner(inbox: AMIInbox, channel: Channel, timeout: TimeAmount,
                                   slowLineTimeout: TimeAmount) async throws -> String? {
        let start = NIODeadline.now()
        var deadline = start + timeout
        var seen: [AMIInbound] = []
        defer { inbox.putBack(seen) }
        while true {
            switch try await inbox.next(deadline: deadline, timer: channel.eventLoop) {
            case .item(.banner(let text)):
                return text
            case .item(let other):
                seen.append(other)
                if case .packets = other { return nil }
                // Bytes of an unfinished line: the banner is on its way.
                if case .bytes = other { deadline = start + slowLineTimeout }
            case .timedOut:
                return nil
            case .ended(let end):
                if seen.isEmpty { throw AMIClientError.connectionEnded(end, waitingFor: "the banner") }
                return nil
            }
        }
    }

    // MARK: Reading

    /// The next received item. Throws `timedOut` after `timeout` (nil waits forever),
    /// `connectionEnded` once the connection is over and everything received was read.
    public func next(timeout: TimeAmount?, waitingFor what: String = "data") async throws -> AMIInbound {
        try await next(deadline: timeout.map { .now() + $0 }, timeout: timeout, waitingFor: what)
    }

    /// `what` is only built for an error (a round trip should not format a string).
    private func next(
        deadline: NIODeadline?, timeout: TimeAmount?, wholeRuns: Bool = false, waitingFor what: @autoclosure () -> String
    ) async throws -> AMIInbound {
        switch try await inbox.next(deadline: deadline, timer: channel.eventLoop, wholeRuns: wholeRuns) {
        case .item(let item): return item
        case .ended(let end): throw AMIClientError.connectionEnded(end, waitingFor: what())
        case .timedOut: throw AMIClientError.timedOut(waitingFor: what(), seconds: timeout?.seconds ?? 0)
        }
    }

    /// Everything received and not yet read (at least one item), in order; waits like
    /// `next` when there is nothing.
    public func nextBatch(timeout: TimeAmount?, waitingFor what: String = "data") async throws -> [AMIInbound] {
        switch try await inbox.nextBatch(deadline: timeout.map { .now() + $0 }, timer: channel.eventLoop) {
        case .items(let items): return items
        case .ended(let end): throw AMIClientError.connectionEnded(end, waitingFor: what)
        case .timedOut: throw AMIClientError.timedOut(waitingFor: what, seconds: timeout?.seconds ?? 0)
        }
    }

    /// Puts items back at the front of the stream (a reader that looked ahead and did
    /// not use them).
    public func putBack(_ items: [AMIInbound]) {
        inbox.putBack(items)
    }

    /// How the connection ended, or nil while it is open.
    public var end: AMIConnectionEnd? { inbox.end }

    // MARK: Writing

    /// Writes bytes as they are, in one write. Throws when the connection is already over.
    ///
    /// On the connection's event loop (where amiscript runs its scripts) the write is
    /// handed to the socket at once and not awaited: waiting for its future costs a task
    /// suspension and resumption per action (docs/performance.md has the measure). A write
    /// that fails then ends the connection (NIO closes the channel), and whoever waits
    /// for the answer learns it from the inbox, with the write's error as the reason.
    public func write(_ bytes: ByteBuffer) async throws {
        wireTap?(.sent, bytes)
        if let end = inbox.end { throw AMIClientError.connectionEnded(end, waitingFor: "a write") }
        if channel.eventLoop.inEventLoop {
            let inbox = self.inbox
            let promise = channel.eventLoop.makePromise(of: Void.self)
            promise.futureResult.whenFailure { error in
                inbox.finish(.failed(Self.describeWriteError(error)))
            }
            channel.writeAndFlush(bytes, promise: promise)
            return
        }
        do {
            try await channel.writeAndFlush(bytes)
        } catch {
            throw AMIClientError.connectionEnded(inbox.end ?? .failed(Self.describeWriteError(error)), waitingFor: "a write")
        }
    }

    private static func describeWriteError(_ error: Error) -> String {
        if let io = error as? IOError { return AMIInboundHandler.describe(io) }
        if let channel = error as? ChannelError, channel == .ioOnClosedChannel { return "the connection is closed" }
        return "\(error)"
    }

    /// Sends an action (one write) with a fresh ActionID unless it has one; returns the ActionID.
    @discardableResult
    public func send(_ action: AMIAction) async throws -> String {
        let id = action.actionID ?? actionIDs.next()
        let buffer: ByteBuffer
        do {
            buffer = try AMIEncoder.encode(action.actionID == nil ? action.with(actionID: id) : action)
        } catch let error as AMIEncodingError {
            throw AMIClientError.encoding(error)
        }
        try await write(buffer)
        return id
    }

    /// Sends an action and reads until its answer (`AMIPendingAction`: its response and,
    /// for an event list, the list) has arrived. The other packets received meanwhile stay
    /// in the stream, in order, for the next `next`; the raw text read meanwhile does not
    /// (`perform` is for readers of packets: a reader of the text, like the interpreter,
    /// reads `nextBatch` itself and claims the answer with `AMIPendingAction`).
    public func perform(_ action: AMIAction, timeout: TimeAmount?) async throws -> AMIActionResult {
        var pending = AMIPendingAction(actionID: try await send(action), name: action.name)
        let deadline = timeout.map { NIODeadline.now() + $0 }
        var kept: [AMIInbound] = []
        defer { inbox.putBack(kept) }
        while true {
            let item = try await next(deadline: deadline, timeout: timeout, wholeRuns: true, waitingFor: "the response to \(action.name)")
            guard case .packets(let run) = item else {
                if case .banner = item { kept.append(item) }
                continue
            }
            for others in pending.claim(from: run) { kept.append(.packets(others)) }
            if let result = pending.result { return result }
        }
    }

    // MARK: Session

    public enum Authentication: Sendable, Hashable {
        case plaintext
        /// `Challenge` first, then `Key: md5hex(challenge + secret)` (PROTOCOL.md item 14).
        case md5
    }

    /// Logs in. `events`: nil leaves the server's default, else `Events: on` / `off`.
    /// Throws `loginFailed` on `Response: Error`.
    @discardableResult
    public func login(
        username: String,
        secret: String,
        authentication: Authentication = .plaintext,
        events: Bool? = nil,
        timeout: TimeAmount?
    ) async throws -> AMIActionResult {
        var nonce: String?
        if authentication == .md5 {
            let challenge = try await perform(AMILogin.challengeRequest, timeout: timeout)
            if challenge.isError {
                throw AMIClientError.loginFailed(message: challenge.response["Message"] ?? "challenge refused")
            }
            guard let given = challenge.response["Challenge"] else { throw AMIClientError.noChallenge }
            nonce = given
        }
        let headers = AMILogin.headers(username: username, secret: secret, challenge: nonce, events: events.map { $0 ? "on" : "off" })
        let result = try await perform(AMIAction("Login", headers), timeout: timeout)
        if result.isError {
            throw AMIClientError.loginFailed(message: result.response["Message"] ?? "no message")
        }
        return result
    }

    /// Sends Logoff, waits for `Goodbye`, then closes.
    public func logoff(timeout: TimeAmount?) async throws {
        defer { Task { await self.close() } }
        _ = try await perform(AMIAction("Logoff"), timeout: timeout)
    }

    /// Closes the connection (no Logoff).
    public func close() async {
        inbox.finish(.closedLocally)
        inbox.cancelTimer()
        try? await channel.close()
    }
}

/// Carries the inbox out of the channel initializer, which runs on the event loop.
private final class InboxBox: Sendable {
    private let box = NIOLockedValueBox<AMIInbox?>(nil)
    func set(_ inbox: AMIInbox) { box.withLockedValue { $0 = inbox } }
    func get() -> AMIInbox? { box.withLockedValue { $0 } }
}

private func describeConnectError(_ error: Error) -> String {
    if let io = error as? IOError { return AMIInboundHandler.describe(io) }
    if let multiple = error as? NIOConnectionError, let first = multiple.connectionErrors.first {
        return describeConnectError(first.error)
    }
    if let channelError = error as? ChannelError {
        return "\(channelError)"
    }
    let text = "\(error)"
    // NIO words a name that did not resolve as "DNS error: SocketAddressError.UnknownHost:
    // REASON (error -2) for host H, port P": say it in words, with the resolver's reason.
    if let marker = text.firstRange(of: "UnknownHost: ") {
        var reason = String(text[marker.upperBound...])
        if let end = reason.firstRange(of: " (error") ?? reason.firstRange(of: " for host") {
            reason = String(reason[..<end.lowerBound])
        }
        return "the host name does not resolve: \(reason)"
    }
    return text
}

extension TimeAmount {
    /// The amount in seconds, for messages.
    public var seconds: Double { Double(nanoseconds) / 1_000_000_000 }
}

import NIOConcurrencyHelpers
