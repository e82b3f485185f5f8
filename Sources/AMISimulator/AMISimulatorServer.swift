import AMIProtocol
import NIOCore
import NIOPosix
import NIOSSL

/// A running simulated manager: listens, serves many clients at once, stops cleanly.
public final class AMISimulatorServer: Sendable {
    private let channel: Channel
    private let state: SimulatorState
    public let host: String
    public let port: Int

    private init(channel: Channel, state: SimulatorState, host: String, port: Int) {
        self.channel = channel
        self.state = state
        self.host = host
        self.port = port
    }

    /// Binds and starts serving; `options.port` 0 takes a free port (see `port`).
    public static func start(
        _ options: SimulatorOptions,
        group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> AMISimulatorServer {
        let state = SimulatorState(options: options)
        var sslContext: NIOSSLContext?
        if let certificate = options.tlsCertificateFile, let key = options.tlsKeyFile {
            let chain = try NIOSSLCertificate.fromPEMFile(certificate).map { NIOSSLCertificateSource.certificate($0) }
            let configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: chain, privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
            sslContext = try NIOSSLContext(configuration: configuration)
        }
        let tls = sslContext
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            // Room for a flood's pieces in flight, so the flood is not paced by wake-ups.
            .childChannelOption(.writeBufferWaterMark, value: .init(low: 1 << 20, high: 4 << 20))
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let decoder = AMIDecoder(configuration: AMIDecoder.Configuration(
                        expectsBanner: false, readsLegacyCommandBodies: false,
                        maxLineBytes: 64 * 1024, maxPacketBytes: 1024 * 1024))
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls))
                    }
                    let connectionHandler: ChannelHandler
                    if let replay = options.replay {
                        connectionHandler = ReplayConnectionHandler(options: replay, fallbackBanner: options.banner)
                    } else {
                        connectionHandler = SimulatorConnectionHandler(state: state)
                    }
                    try channel.pipeline.syncOperations.addHandlers([
                        ByteToMessageHandler(decoder),
                        connectionHandler,
                    ])
                }
            }
        let channel = try await bootstrap.bind(host: options.host, port: options.port).get()
        let port = channel.localAddress?.port ?? options.port
        return AMISimulatorServer(channel: channel, state: state, host: options.host, port: port)
    }

    /// Stops as Asterisk does: `Event: Shutdown` to every logged-in session that reads
    /// system events, then every connection and the listening socket are closed.
    public func stop() async {
        state.shutDown()
        try? await channel.close()
    }

    /// Returns when the listening socket is closed.
    public func waitUntilClosed() async {
        try? await channel.closeFuture.get()
    }
}
