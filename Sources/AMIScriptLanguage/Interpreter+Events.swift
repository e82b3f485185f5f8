import AMIProtocol

/// `on event` handlers: events that arrive while the script waits (in `expect`, `action`,
/// `command`, `login`, `sleep`) are taken by the handlers that want them, in arrival order;
/// a taken event leaves the stream (its text the expect buffer, its packet `expect event`).
extension Interpreter {
    struct EventHandler {
        var matcher: EventMatcher
        var condition: EventCondition?
        var body: [Statement]
        var location: SourceLocation

        var display: String {
            "on event \(matcher.display)\(condition.map { " where \($0.text)" } ?? "") (line \(location.line))"
        }
    }

    func register(_ handler: EventHandler) {
        // The latest handler for the same events and condition replaces the earlier one.
        eventHandlers.removeAll { $0.matcher.sameEvents(as: handler.matcher) && $0.condition?.text == handler.condition?.text }
        eventHandlers.append(handler)
    }

    func unregister(_ matcher: EventMatcher?) {
        guard let matcher else {
            eventHandlers.removeAll()
            return
        }
        eventHandlers.removeAll { $0.matcher.sameEvents(as: matcher) }
    }

    /// Does the event named `name` answer `matcher`?
    func matches(_ matcher: EventMatcher, eventName name: String, at location: SourceLocation) throws -> Bool {
        switch matcher {
        case .name(let wanted): return AMIHeader.namesEqual(name, wanted)
        case .any: return true
        case .regex(let literal): return try Self.match(try compile(literal, at: location), Array(name.utf8), at: location) != nil
        }
    }

    /// Takes the packets of `run` that handlers want (their bytes leave the expect buffer,
    /// they wait in `handlerQueue`); returns the others, in pieces of the run.
    func claimForHandlers(_ run: AMIPacketRun) async throws -> [AMIPacketRun] {
        var others: [AMIPacketRun] = []
        var kept = run.startIndex
        for position in run.indices {
            let packet = run[position]
            guard let name = packet.eventName else { continue }
            var chosen: [EventHandler] = []
            for handler in eventHandlers where try matches(handler.matcher, eventName: name, at: handler.location) {
                if let condition = handler.condition, try await !self.condition(condition.expression, holdsFor: packet) { continue }
                chosen.append(handler)
            }
            guard !chosen.isEmpty else { continue }
            if position > kept { others.append(run[kept..<position]) }
            kept = position + 1
            buffer.leaveOut(packet.streamRange)
            handlerQueue.append((packet, chosen))
        }
        if kept == run.startIndex { return [run] }
        if kept < run.endIndex { others.append(run[kept..<run.endIndex]) }
        return others
    }

    /// A `where` condition of an event branch or handler, with `$event` bound to the packet
    /// while it is evaluated (and as it was afterwards).
    func condition(_ condition: Expression, holdsFor packet: AMIPacket) async throws -> Bool {
        let saved = lookup("event")
        let savedContext = waitRefusedInside
        assign("event", Self.map(of: packet))
        // It runs while events are read: nothing in it may wait for more (a proc it calls
        // that sends an action would read its own event and recurse).
        waitRefusedInside = waitRefusedInside ?? "a 'where' condition (it runs while events are read)"
        defer {
            waitRefusedInside = savedContext
            if let saved { assign("event", saved) } else { _ = unassign("event") }
        }
        return try await evaluate(condition).isTrue
    }

    /// Runs the handlers of the events taken so far, in arrival order, in the script's
    /// global scope with `$event` bound; afterwards `$event` is what it was (a handler that
    /// runs during an `action` in an `expect event` branch leaves the branch's `$event`).
    func runEventHandlers() async throws {
        guard !handlerQueue.isEmpty, waitRefusedInside == nil else { return }
        let savedLocals = locals
        let savedEvent = globals["event"]
        defer {
            locals = savedLocals
            waitRefusedInside = nil
            globals["event"] = savedEvent
        }
        locals = []
        while !handlerQueue.isEmpty {
            let (packet, handlers) = handlerQueue.removeFirst()
            for handler in handlers {
                waitRefusedInside = "an event handler"
                assign("event", Self.map(of: packet))
                do {
                    try await execute(handler.body)
                } catch var error as ScriptError {
                    // Said where it happened: the handler ran in the middle of another line.
                    error.diagnostic.message = "in the event handler \(handler.display): " + error.diagnostic.message
                    throw error
                }
            }
        }
    }

    /// Statements that wait cannot run inside a handler (it runs while something waits).
    func refuseInsideHandler(_ what: String, at location: SourceLocation) throws {
        if let waitRefusedInside {
            throw ScriptError(location, "'\(what)' waits, and cannot run inside \(waitRefusedInside)")
        }
    }
}

extension EventMatcher {
    /// The same events: names compared ignoring case, regexes by their text.
    func sameEvents(as other: EventMatcher) -> Bool {
        switch (self, other) {
        case let (.name(a), .name(b)): return AMIHeader.namesEqual(a, b)
        case (.any, .any): return true
        case let (.regex(a), .regex(b)): return a == b
        default: return false
        }
    }
}
