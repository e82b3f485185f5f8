import AMIProtocol
import NIOCore

/// Serves one client connection from a recording (`amisim --replay`): the opening, then
/// for each request the answer `ReplayMatcher` finds, its pieces written at their
/// recorded spacing.
///
/// Pieces go out in order, one timer for the next at a time. A request that comes while
/// pieces of an earlier answer still wait sends those at once first: in the recording
/// they came before the request did.
final class ReplayConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = AMIMessage
    typealias OutboundOut = ByteBuffer

    private let options: ReplayOptions
    private var matcher: ReplayMatcher
    private var context: ChannelHandlerContext?
    /// Pieces still to write; a nil text closes the connection.
    private var queue: [(text: String?, delay: Double)] = []
    private var timer: Scheduled<Void>?

    init(options: ReplayOptions, fallbackBanner: String) {
        self.options = options
        matcher = ReplayMatcher(transcript: options.transcript, speed: options.speed, fallbackBanner: fallbackBanner)
    }

    func channelActive(context: ChannelHandlerContext) {
        self.context = context
        enqueue(matcher.opening(), closing: false)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .packet(let packet) = unwrapInboundIn(data) else { return }
        let answer = matcher.answer(to: packet.headers)
        if let complaint = answer.complaint { options.report(complaint) }
        sendQueuedNow()
        enqueue(answer.pieces, closing: answer.closesConnection)
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        queue = []
        self.context = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // A request the decoder cannot take ends the connection, as in live mode.
        context.close(promise: nil)
    }

    // MARK: Writing in time

    private func enqueue(_ pieces: [ReplayMatcher.Piece], closing: Bool) {
        queue += pieces.map { (text: $0.text, delay: $0.delay) }
        if closing { queue.append((text: nil, delay: 0)) }
        if timer == nil { writeDuePieces() }
    }

    /// Writes the pieces due now; schedules a timer for the next one that is not.
    private func writeDuePieces() {
        timer = nil
        while let context, !queue.isEmpty {
            let next = queue[0]
            if next.delay > 0 {
                queue[0].delay = 0
                let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
                timer = context.eventLoop.scheduleTask(in: .nanoseconds(Int64(min(next.delay, 86_400) * 1e9))) {
                    bound.value.writeDuePieces()
                }
                return
            }
            queue.removeFirst()
            write(next.text, context: context)
        }
    }

    /// Everything queued, now (a new request came).
    private func sendQueuedNow() {
        timer?.cancel()
        timer = nil
        for index in queue.indices { queue[index].delay = 0 }
        writeDuePieces()
    }

    private func write(_ text: String?, context: ChannelHandlerContext) {
        guard let text else {
            queue = []
            context.close(promise: nil)
            return
        }
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text)), promise: nil)
    }
}
