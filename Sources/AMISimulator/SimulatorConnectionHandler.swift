import AMIProtocol
import NIOCore
import NIOPosix

/// Serves one client connection: decoded requests go to a `ManagerSession`; its output
/// goes to the socket, with the configured faults applied.
final class SimulatorConnectionHandler: ChannelInboundHandler, SessionOutput {
    typealias InboundIn = AMIMessage
    typealias OutboundOut = ByteBuffer

    private let state: SimulatorState
    private var session: ManagerSession?
    private var context: ChannelHandlerContext?
    private var flood: EventFlood?
    private var floodTimer: RepeatedTask?
    private var pumping = false

    init(state: SimulatorState) {
        self.state = state
    }

    private var faults: Set<SimulatorFault> { state.options.faults }

    // MARK: ChannelInboundHandler

    func channelActive(context: ChannelHandlerContext) {
        self.context = context
        let session = ManagerSession(state: state, output: self)
        let loop = context.eventLoop
        let bound = NIOLoopBound(session, eventLoop: loop)
        self.session = session
        session.start()
        // Events from other connections hop onto this connection's loop; this
        // connection's own ones are delivered at once, keeping their order.
        let channel = context.channel
        session.subscribe(SimulatorState.EventSink(
            deliver: { text, category in
                if loop.inEventLoop {
                    bound.value.deliver(text, category: category)
                } else {
                    loop.execute { bound.value.deliver(text, category: category) }
                }
            },
            close: {
                // After the events already queued on the loop.
                loop.execute { channel.close(promise: nil) }
            }))
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .packet(let packet) = unwrapInboundIn(data) {
            // Read the lines once: a session looks at many of the request's headers.
            session?.receive(packet.parsedCopy)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        session?.stop()
        session = nil
        floodTimer?.cancel()
        self.context = nil
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, flood != nil, state.options.flood.rate == 0 { pumpFlood() }
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // A request the decoder cannot take (an endless line) ends the connection, as a
        // real server's read error would.
        context.close(promise: nil)
    }

    // MARK: SessionOutput

    func writeResponse(_ text: String) {
        guard let context else { return }
        if faults.contains(.reset) {
            // SO_LINGER 0 makes close send RST instead of FIN.
            if let socket = context.channel as? SocketOptionProvider {
                let channel = context.channel
                socket.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in
                    channel.close(promise: nil)
                }
            } else {
                context.close(promise: nil)
            }
            return
        }
        if faults.contains(.longLine) {
            var buffer = context.channel.allocator.buffer(capacity: 1 << 20 + 4)
            buffer.writeRepeatingByte(UInt8(ascii: "x"), count: 1 << 20)
            buffer.writeString("\r\n\r\n")
            write(buffer, context: context)
            return
        }
        if faults.contains(.garbage) {
            var garbage = context.channel.allocator.buffer(capacity: 32)
            garbage.writeBytes([0x00, 0x01, 0xFF, 0xFE] + Array("garbage \u{1}".utf8) + [0xC3, 0x28, 0x00, 0x0D, 0x0A, 0x0D, 0x0A])
            write(garbage, context: context)
        }
        if faults.contains(.closeMidPacket) {
            let bytes = Array(text.utf8)
            write(ByteBuffer(bytes: bytes[..<(bytes.count / 2)]), context: context)
            context.close(promise: nil)
            return
        }
        write(ByteBuffer(string: text), context: context)
    }

    func writeOther(_ text: String) {
        guard let context else { return }
        write(ByteBuffer(string: text), context: context)
    }

    private func write(_ buffer: ByteBuffer, context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        if faults.contains(.byteAtATime) {
            for index in buffer.readerIndex..<buffer.writerIndex {
                context.writeAndFlush(wrapOutboundOut(buffer.getSlice(at: index, length: 1)!), promise: nil)
            }
        } else {
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        }
    }

    func schedule(after seconds: Double, _ work: @escaping () -> Void) {
        guard let context else { return }
        nonisolated(unsafe) let work = work
        context.eventLoop.scheduleTask(in: .nanoseconds(Int64(seconds * 1_000_000_000))) { work() }
    }

    func close() {
        context?.close(promise: nil)
    }

    var remoteAddress: String { context?.remoteAddress?.ipAddress ?? "127.0.0.1" }
    var remotePort: Int { context?.remoteAddress?.port ?? 0 }
    var localAddress: String { context?.localAddress?.ipAddress ?? "127.0.0.1" }
    var localPort: Int { context?.localAddress?.port ?? 0 }

    // MARK: Flood

    func startFlood(_ options: FloodOptions) {
        flood = EventFlood(options: options)
        guard let context else { return }
        if options.rate > 0 {
            // Batches every 10 ms at the asked rate.
            let perTick = max(1, Int(options.rate / 100))
            let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
            floodTimer = context.eventLoop.scheduleRepeatedTask(initialDelay: .zero, delay: .milliseconds(10)) { task in
                bound.value.floodTick(task: task, eventsPerTick: perTick)
            }
        } else {
            pumpFlood()
        }
    }

    private func floodTick(task: RepeatedTask, eventsPerTick: Int) {
        guard var flood, let context else { return task.cancel() }
        var batch = context.channel.allocator.buffer(capacity: eventsPerTick * 160)
        for _ in 0..<eventsPerTick where !flood.isDone {
            var event = flood.nextEvent(allocator: context.channel.allocator)
            batch.writeBuffer(&event)
        }
        self.flood = flood.isDone ? nil : flood
        write(batch, context: context)
        if flood.isDone { task.cancel() }
    }

    /// Writes flood batches while the socket takes them; resumes on writability.
    private func pumpFlood() {
        // A write can flip writability and call back in here before it returns: the
        // flood's state is stored before each write, and a nested call does nothing.
        guard !pumping, let context else { return }
        pumping = true
        defer { pumping = false }
        while context.channel.isWritable, var flood = self.flood, !flood.isDone {
            let piece = flood.nextBatch(size: 256 * 1024, allocator: context.channel.allocator)
            self.flood = flood.isDone ? nil : flood
            context.writeAndFlush(wrapOutboundOut(piece), promise: nil)
        }
    }
}
