import AMIProtocol
import NIOConcurrencyHelpers
import NIOCore

/// The queue between the event loop (which receives) and the one task that reads a
/// connection: received items in order, the end of the connection, and a single waiter.
///
/// It bounds memory: when more than `highWater` received bytes wait unread, `pause` is
/// called (reading from the socket stops), and `resume` once they drop below `lowWater`.
/// Items put back with `putBack` (looked at but not claimed, see `AMIConnection.perform`)
/// come out again before anything newer.
final class AMIInbox: Sendable {
    private struct State {
        var putBack = CircularBuffer<AMIInbound>()
        var items = CircularBuffer<AMIInbound>()
        var queuedBytes = 0
        var paused = false
        var end: AMIConnectionEnd?
        var waiter: CheckedContinuation<Void, Never>?
        var waiterGeneration = 0
        /// The deadline timer in flight (see `waitForChange`).
        var timerDeadline: NIODeadline?
        var timer: Scheduled<Void>?
    }

    private let state = NIOLockedValueBox(State())
    private let highWater: Int
    private let lowWater: Int
    private let pause: @Sendable () -> Void
    private let resume: @Sendable () -> Void

    init(highWater: Int, pause: @escaping @Sendable () -> Void, resume: @escaping @Sendable () -> Void) {
        self.highWater = highWater
        self.lowWater = highWater / 4
        self.pause = pause
        self.resume = resume
    }

    /// Called on the event loop for each received item.
    func append(_ item: AMIInbound) {
        append(contentsOf: CollectionOfOne(item))
    }

    /// Called on the event loop with the items of one read: one lock, one wake-up.
    func append<Items: Collection>(contentsOf items: Items) where Items.Element == AMIInbound {
        guard !items.isEmpty else { return }
        var shouldPause = false
        let waiter = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            guard state.end == nil else { return nil }
            for item in items {
                state.items.append(item)
                if case .bytes(let chunk) = item { state.queuedBytes += chunk.count }
            }
            if state.queuedBytes > highWater, !state.paused {
                state.paused = true
                shouldPause = true
            }
            return Self.takeWaiter(&state)
        }
        if shouldPause { pause() }
        waiter?.resume()
    }

    /// The connection is over; items already queued can still be read. The first end wins.
    func finish(_ end: AMIConnectionEnd) {
        let waiter = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            if state.end == nil { state.end = end }
            return Self.takeWaiter(&state)
        }
        waiter?.resume()
    }

    var end: AMIConnectionEnd? {
        state.withLockedValue { $0.end }
    }

    /// Puts items that were taken but not used back at the front, in their order.
    func putBack(_ items: [AMIInbound]) {
        guard !items.isEmpty else { return }
        state.withLockedValue { state in
            state.putBack.append(contentsOf: items)
            for case .bytes(let chunk) in items { state.queuedBytes += chunk.count }
        }
    }

    enum Next {
        case item(AMIInbound)
        case ended(AMIConnectionEnd)
        case timedOut
    }

    enum NextBatch {
        case items([AMIInbound])
        case ended(AMIConnectionEnd)
        case timedOut
    }

    /// Everything queued (at least one item), waiting until `deadline` when nothing is:
    /// one wake-up for all that a read brought, however many packets it held.
    func nextBatch(deadline: NIODeadline?, timer: EventLoop) async throws -> NextBatch {
        while true {
            try Task.checkCancellation()
            let (batch, end, shouldResume): ([AMIInbound], AMIConnectionEnd?, Bool) = state.withLockedValue { state in
                var batch: [AMIInbound] = []
                if !state.putBack.isEmpty {
                    batch.reserveCapacity(state.putBack.count + state.items.count)
                    batch.append(contentsOf: state.putBack)
                    state.putBack.removeAll(keepingCapacity: true)
                }
                if batch.isEmpty {
                    batch = Array(state.items)
                } else {
                    batch.append(contentsOf: state.items)
                }
                state.items.removeAll(keepingCapacity: true)
                state.queuedBytes = 0
                var wake = false
                if !batch.isEmpty, state.paused, state.queuedBytes < lowWater {
                    state.paused = false
                    wake = true
                }
                return (batch, batch.isEmpty ? state.end : nil, wake)
            }
            if shouldResume { resume() }
            if !batch.isEmpty { return .items(batch) }
            if let end { return .ended(end) }
            if let deadline, deadline <= .now() { return .timedOut }
            await waitForChange(deadline: deadline, timer: timer)
        }
    }

    /// The next item; waits until `deadline` (nil: forever). Throws CancellationError when
    /// the waiting task is cancelled (a user's Ctrl-C abandons the wait). A run of packets
    /// comes one packet at a time unless `wholeRuns`.
    func next(deadline: NIODeadline?, timer: EventLoop, wholeRuns: Bool = false) async throws -> Next {
        while true {
            try Task.checkCancellation()
            let (step, shouldResume): (Next?, Bool) = state.withLockedValue { state in
                // Put-back items come first; an empty run (only a caller's putBack can
                // make one) is skipped rather than taken for the end of the queue.
                func pop(_ queue: inout CircularBuffer<AMIInbound>) -> AMIInbound? {
                    while let first = queue.popFirst() {
                        guard case .packets(let run) = first else { return first }
                        if run.isEmpty { continue }
                        return wholeRuns ? first : Self.split(run, restInto: &queue)
                    }
                    return nil
                }
                if let item = pop(&state.putBack) ?? pop(&state.items) {
                    if case .bytes(let chunk) = item { state.queuedBytes -= chunk.count }
                    var wake = false
                    if state.paused, state.queuedBytes < lowWater {
                        state.paused = false
                        wake = true
                    }
                    return (.item(item), wake)
                }
                if let end = state.end { return (.ended(end), false) }
                return (nil, false)
            }
            if shouldResume { resume() }
            if let step { return step }
            if let deadline, deadline <= .now() { return .timedOut }
            await waitForChange(deadline: deadline, timer: timer)
        }
    }

    /// The first packet of a (non-empty) run as a run of its own; the rest of the run
    /// goes back to the front.
    private static func split(_ run: AMIPacketRun, restInto queue: inout CircularBuffer<AMIInbound>) -> AMIInbound {
        if run.count > 1 { queue.prepend(.packets(run[(run.startIndex + 1)..<run.endIndex])) }
        return .packets(run[run.startIndex..<(run.startIndex + 1)])
    }

    /// Suspends until an item or the end arrives, the deadline passes, or the task is
    /// cancelled. A wake-up may come early (the callers check their deadline and wait again).
    ///
    /// The deadline timer outlives the wait: a loop of actions, each waiting with a deadline
    /// seconds away, would otherwise schedule and cancel a timer per round trip. A timer due
    /// no later than this wait's deadline is kept; when it fires it wakes whoever waits then,
    /// who re-arms it for their own deadline.
    private func waitForChange(deadline: NIODeadline?, timer: EventLoop) async {
        let (generation, timerNeeded, replaced) = state.withLockedValue { state -> (Int, Bool, Scheduled<Void>?) in
            state.waiterGeneration += 1
            guard let deadline else { return (state.waiterGeneration, false, nil) }
            if let armed = state.timerDeadline, armed <= deadline { return (state.waiterGeneration, false, nil) }
            let replaced = state.timer
            state.timer = nil
            state.timerDeadline = deadline
            return (state.waiterGeneration, true, replaced)
        }
        replaced?.cancel()
        if timerNeeded, let deadline {
            let scheduled = timer.scheduleTask(deadline: deadline) { [self] in self.timerFired(deadline) }
            state.withLockedValue { state in
                if state.timerDeadline == deadline { state.timer = scheduled } else { scheduled.cancel() }
            }
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLockedValue { state -> Bool in
                    if !state.items.isEmpty || !state.putBack.isEmpty || state.end != nil
                        || state.waiterGeneration != generation {
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            self.wake(generation: generation)
        }
    }

    /// The deadline timer: wakes the current waiter, if any.
    private func timerFired(_ deadline: NIODeadline) {
        let waiter = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            guard state.timerDeadline == deadline else { return nil }
            state.timerDeadline = nil
            state.timer = nil
            state.waiterGeneration += 1
            return Self.takeWaiter(&state)
        }
        waiter?.resume()
    }

    /// Cancels the deadline timer (the connection is closed).
    func cancelTimer() {
        let timer = state.withLockedValue { state -> Scheduled<Void>? in
            defer {
                state.timer = nil
                state.timerDeadline = nil
            }
            return state.timer
        }
        timer?.cancel()
    }

    /// Wakes the waiter of this generation (timer or cancellation); later waits are untouched.
    private func wake(generation: Int) {
        let waiter = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            guard state.waiterGeneration == generation else { return nil }
            state.waiterGeneration += 1
            return Self.takeWaiter(&state)
        }
        waiter?.resume()
    }

    private static func takeWaiter(_ state: inout State) -> CheckedContinuation<Void, Never>? {
        let waiter = state.waiter
        state.waiter = nil
        return waiter
    }
}
