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
    /// `stall-mid-response` and `endless-line`: nothing more is written (but the endless line).
    private var silenced = false
    private var endlessTimer: RepeatedTask?
    /// `--byte-delay`: the bytes still to write, one per tick.
    private var slowBytes: ByteBuffer?
    private var slowTimer: RepeatedTask?
    /// A close asked for while slow bytes were pending: done once they are written
    /// (true: with a reset).
    private var closeAfterSlowBytes: Bool?

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
        endlessTimer?.cancel()
        slowTimer?.cancel()
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
        guard !silenced else { return }
        if faults.contains(.reset) {
            closeConnection(reset: true)
            return
        }
        if session?.isAnsweringLogin != true {
            if faults.contains(.endlessLine) {
                startEndlessLine()
                return
            }
            if faults.contains(.stallMidResponse) {
                let bytes = Array(text.utf8)
                write(ByteBuffer(bytes: bytes[..<(bytes.count / 2)]), context: context)
                silenced = true
                return
            }
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
            closeConnection(reset: false)
            return
        }
        write(ByteBuffer(string: text), context: context)
    }

    func writeOther(_ text: String) {
        guard let context, !silenced else { return }
        write(ByteBuffer(string: text), context: context)
    }

    private func write(_ buffer: ByteBuffer, context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        if state.options.byteDelay > 0 {
            writeSlowly(buffer, context: context)
        } else if faults.contains(.byteAtATime) {
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
        closeConnection(reset: false)
    }

    /// Closes (with `reset`, by RST instead of FIN: SO_LINGER 0), after the bytes a
    /// `--byte-delay` still has to write.
    private func closeConnection(reset: Bool) {
        guard let context else { return }
        if slowBytes != nil {
            closeAfterSlowBytes = (closeAfterSlowBytes ?? false) || reset
            return
        }
        if reset, let socket = context.channel as? SocketOptionProvider {
            let channel = context.channel
            socket.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in
                channel.close(promise: nil)
            }
        } else {
            context.close(promise: nil)
        }
    }

    // MARK: Slow bytes (--byte-delay)

    /// Queues the bytes; a timer writes one of them every `byteDelay` seconds.
    private func writeSlowly(_ buffer: ByteBuffer, context: ChannelHandlerContext) {
        var buffer = buffer
        if slowBytes == nil {
            slowBytes = buffer
        } else {
            slowBytes!.writeBuffer(&buffer)
        }
        guard slowTimer == nil else { return }
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let delay = TimeAmount.nanoseconds(Int64(state.options.byteDelay * 1_000_000_000))
        slowTimer = context.eventLoop.scheduleRepeatedTask(initialDelay: .zero, delay: delay) { task in
            bound.value.slowTick(task: task)
        }
    }

    private func slowTick(task: RepeatedTask) {
        guard let context, context.channel.isActive, var bytes = slowBytes,
              let byte = bytes.readSlice(length: 1) else {
            task.cancel()
            slowTimer = nil
            return
        }
        slowBytes = bytes.readableBytes > 0 ? bytes : nil
        context.writeAndFlush(wrapOutboundOut(byte), promise: nil)
        if slowBytes == nil {
            task.cancel()
            slowTimer = nil
            if let reset = closeAfterSlowBytes {
                closeAfterSlowBytes = nil
                closeConnection(reset: reset)
            }
        }
    }

    // MARK: Endless line (endless-line)

    /// 10 KiB of `x` every 10 ms (about 1 MB/s), no line end ever, while the socket takes
    /// them; nothing else is written any more.
    private func startEndlessLine() {
        guard let context, endlessTimer == nil else { return }
        silenced = true
        var piece = context.channel.allocator.buffer(capacity: 10 * 1024)
        piece.writeRepeatingByte(UInt8(ascii: "x"), count: 10 * 1024)
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let chunk = piece
        endlessTimer = context.eventLoop.scheduleRepeatedTask(initialDelay: .zero, delay: .milliseconds(10)) { task in
            bound.value.endlessTick(task: task, chunk: chunk)
        }
    }

    private func endlessTick(task: RepeatedTask, chunk: ByteBuffer) {
        guard let context, context.channel.isActive else { return task.cancel() }
        if context.channel.isWritable {
            context.writeAndFlush(wrapOutboundOut(chunk), promise: nil)
        }
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
