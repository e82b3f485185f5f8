import AMIProtocol

/// `expect`: earliest match wins, ties by branch order; incremental scanning; deadlines.
extension Interpreter {
    /// One branch, ready to match.
    private struct Candidate {
        enum Matcher {
            case regex(Regex)
            case event(EventMatcher, condition: Expression?)
            case timeout, eof, defaultCase
        }
        var branch: ExpectBranch
        var matcher: Matcher
        /// Where (an absolute buffer position) scanning resumes: text before it cannot
        /// start a match, so each byte is scanned about once however long the wait.
        /// Absolute, because the head moves when match_max drops old text.
        var resumeAt = 0
        /// For an event branch: the stream offset of the first packet not yet looked at.
        var eventsFrom: Int64 = 0
        var display: String

        /// True for a `timeout` (or `eof`) branch, and for `default`, which takes both.
        func handles(timeout: Bool) -> Bool {
            switch matcher {
            case .timeout: return timeout
            case .eof: return !timeout
            case .defaultCase: return true
            default: return false
            }
        }
    }

    func expect(_ own: [ExpectBranch], timeout timeoutExpression: Expression?, at location: SourceLocation) async throws {
        let timeout: Double
        if let timeoutExpression {
            guard let seconds = try await evaluate(timeoutExpression).number else {
                throw ScriptError(location, "-timeout wants a number of seconds")
            }
            timeout = seconds
        } else {
            timeout = lookup("timeout")?.number ?? configuration.timeout
        }
        var candidates: [Candidate] = []
        for branch in expectBefore + own + expectAfter {
            candidates.append(try await candidate(for: branch))
        }
        guard session.isConnected || candidates.contains(where: { $0.handles(timeout: false) }) || buffer.unconsumedCount > 0 else {
            throw ScriptError(location, "expect without a connection (use 'connect' first)", exitCode: ExitCode.connection)
        }
        var deadline = timeout < 0 ? nil : Clock.now + timeout
        var pendingEnd: SessionInput?
        while true {
            if let (index, start, end, groups) = try await firstMatch(&candidates) {
                let candidate = candidates[index]
                // Only what is used is copied out of the buffer (it may hold a megabyte).
                if logUser { echo(buffer.text(buffer.head..<end)) }
                let head = buffer.head
                buffer.unconsumed.withUnsafeBufferPointer { subject in
                    if let groups, case .regex(let regex) = candidate.matcher {
                        bindCaptures(groups.map { $0.map { ($0.lowerBound - head)..<($0.upperBound - head) } },
                                     in: subject, regex: regex, before: start - head)
                    } else {
                        assign("before", .string(String(decoding: UnsafeBufferPointer(rebasing: subject[..<(start - head)]), as: UTF8.self)))
                    }
                }
                buffer.consume(through: end)
                dropConsumedEvents()
                for index in candidates.indices {
                    candidates[index].resumeAt = buffer.head
                    candidates[index].eventsFrom = 0
                }
                if let again = try await runBranch(candidate.branch) {
                    if !again.keepsTimer { deadline = timeout < 0 ? nil : Clock.now + timeout }
                    continue
                }
                return
            }
            let wait = deadline.map { max(0, $0 - Clock.now) }
            // With $keepalive, a wait wakes after that many quiet seconds to check the link.
            let quiet = keepalive.map { period in min(period, wait ?? period) }
            var inputs: [SessionInput]
            if let end = pendingEnd {
                inputs = [end]
                pendingEnd = nil
            } else if !session.isConnected {
                inputs = [.eof("not connected")]
            } else {
                do {
                    inputs = try await session.receive(timeout: quiet ?? wait)
                } catch SessionError.interrupted {
                    throw ScriptError(location, "interrupted", exitCode: ExitCode.interrupted)
                } catch {
                    inputs = [.eof(Self.describe(error))]
                }
                if let quiet, quiet < wait ?? .infinity, inputs.count == 1, case .timeout = inputs[0] {
                    // Quiet for $keepalive seconds: a Ping says whether the link is still there.
                    guard let reason = try await checkLink(at: location) else { continue }
                    inputs = [.eof(reason)]
                }
            }
            // Take in everything that came, then match once: one scan per batch of reads.
            guard let input = try await take(inputs) else { continue }
            if inputs.count > 1 {
                // Data came with the end: it gets its chance to match first.
                pendingEnd = input
                continue
            }
            switch input {
            case .text, .packets:
                continue
            case .timeout, .eof:
                // Like Expect's expect_out(buffer): what was left unconsumed.
                assign("before", .string(String(decoding: buffer.unconsumed, as: UTF8.self)))
                let isTimeout: Bool
                if case .timeout = input { isTimeout = true } else { isTimeout = false }
                if let index = candidates.firstIndex(where: { $0.handles(timeout: isTimeout) }) {
                    // After a timeout the timer restarts even with -continue_timer: it ran out.
                    if try await runBranch(candidates[index].branch) != nil {
                        deadline = timeout < 0 ? nil : Clock.now + timeout
                        continue
                    }
                    return
                }
                let waitingFor = "waiting for \(patternList(candidates)); last received: \(lastReceived())"
                if case .eof(let reason) = input {
                    throw ScriptError(location, "expect reached eof (\(reason)) \(waitingFor)", exitCode: ExitCode.connection)
                }
                throw ScriptError(location, "expect timed out after \(Value.format(timeout))s \(waitingFor)", exitCode: ExitCode.timeout)
            }
        }
    }

    /// What a branch asked for with `exp_continue`.
    struct WaitAgain {
        /// `-continue_timer`: the deadline stays where it was.
        var keepsTimer: Bool
    }

    /// Runs a branch's block; non-nil when it asked for `exp_continue`.
    private func runBranch(_ branch: ExpectBranch) async throws -> WaitAgain? {
        guard let body = branch.body else { return nil }
        do {
            try await execute(body)
        } catch ControlFlow.expContinue(let keepTimer) {
            return WaitAgain(keepsTimer: keepTimer)
        }
        return nil
    }

    private func candidate(for branch: ExpectBranch) async throws -> Candidate {
        switch branch.pattern {
        case .regex(let literal):
            return Candidate(branch: branch, matcher: .regex(try compile(literal, at: branch.location)), display: literal.display)
        case .text(let expression):
            let text = try await evaluate(expression).description
            return Candidate(branch: branch, matcher: .regex(try compileText(text, literal: true, at: branch.location)),
                             display: "\"\(Self.escape(Array(text.utf8)))\"")
        case .event(let matcher, let condition):
            return Candidate(branch: branch, matcher: .event(matcher, condition: condition), display: "event \(matcher.display)")
        case .timeout: return Candidate(branch: branch, matcher: .timeout, display: "timeout")
        case .eof: return Candidate(branch: branch, matcher: .eof, display: "eof")
        case .defaultCase: return Candidate(branch: branch, matcher: .defaultCase, display: "default")
        }
    }

    /// The winning branch: index, absolute start and end, regex groups (absolute).
    private func firstMatch(_ candidates: inout [Candidate]) async throws -> (Int, Int, Int, [Range<Int>?]?)? {
        var best: (index: Int, start: Int, end: Int, groups: [Range<Int>?]?)?
        let head = buffer.head
        let bytes = buffer.unconsumed
        // The last bytes of a character may still be to come. A match is what a scan of
        // all the text received finds (those bytes count as not UTF-8 until they are whole),
        // but PCRE2 reports no partial match that runs into them: where the next scan
        // resumes comes from the text without them.
        let complete = bytes.count - Self.unfinishedCharacterLength(at: bytes)
        for index in candidates.indices {
            switch candidates[index].matcher {
            case .regex(let regex):
                let resume = min(max(0, candidates[index].resumeAt - head), complete)
                scannedBytes += bytes.count - resume
                var outcome = bytes.withUnsafeBufferPointer { regex.match($0, from: resume, partial: complete == bytes.count) }
                if complete < bytes.count, case .none = outcome {
                    outcome = bytes.withUnsafeBufferPointer {
                        regex.match(UnsafeBufferPointer(rebasing: $0[..<complete]), from: resume, partial: true)
                    }
                    // A match that ends where the character was cut (`/o\z/`) is not one in
                    // the whole text; it may start one once the character is whole.
                    if case .match(let groups) = outcome { outcome = .partial(from: groups[0]?.lowerBound ?? resume) }
                }
                switch outcome {
                case .match(let groups):
                    guard let whole = groups[0] else { continue }
                    let start = head + whole.lowerBound
                    if best == nil || start < best!.start {
                        best = (index, start, head + whole.upperBound, groups.map { $0.map { (head + $0.lowerBound)..<(head + $0.upperBound) } })
                    }
                    candidates[index].resumeAt = head + whole.lowerBound
                case .partial(let from):
                    candidates[index].resumeAt = head + (regex.dependsOnStart ? 0 : from)
                case .none:
                    // Where a scan starts changes what \G and (*SKIP)-like verbs match: such a
                    // pattern is scanned from the head each time, as a whole scan would.
                    candidates[index].resumeAt = head + (regex.dependsOnStart ? 0 : complete)
                case .failed(let reason):
                    throw Self.gaveUp(candidates[index].display, reason, at: candidates[index].branch.location)
                }
            case .event(let matcher, let condition):
                for packet in pendingEvents.packets(from: candidates[index].eventsFrom) {
                    // Looked at once per expect: a packet that did not match will not later.
                    candidates[index].eventsFrom = packet.streamRange.upperBound
                    guard let eventName = packet.eventName,
                          try matches(matcher, eventName: eventName, at: candidates[index].branch.location) else { continue }
                    guard let start = buffer.position(ofStream: packet.streamRange.lowerBound) else { continue }
                    if let best, best.start <= start { break }
                    let end = buffer.position(ofStream: packet.streamRange.upperBound - 1).map { $0 + 1 } ?? buffer.end
                    if let condition, try await !self.condition(condition, holdsFor: packet) { continue }
                    assign("event", Self.map(of: packet))
                    best = (index, start, end, nil)
                    break
                }
            case .timeout, .eof, .defaultCase:
                continue
            }
        }
        guard let best else { return nil }
        return (best.index, best.start, best.end, best.groups)
    }

    /// Event packets whose text was consumed or dropped can no longer match.
    func dropConsumedEvents() {
        guard !pendingEvents.isEmpty else { return }
        guard let headStream = buffer.headStreamOffset else {
            pendingEvents.removeAll()
            return
        }
        pendingEvents.drop(before: headStream)
    }

    private func echo(_ text: String) {
        if logUser { write(SecretMasking.masked(text)) }
    }

    /// The bytes of an unfinished UTF-8 character at the end of `bytes` (0 when it ends
    /// on a whole one). (A fuzzer find: "Mü" cut between the C3 and the BC was missed.)
    static func unfinishedCharacterLength(at bytes: ArraySlice<UInt8>) -> Int {
        let end = bytes.endIndex
        var back = 0
        // Back over continuation bytes (10xxxxxx) to the lead byte.
        while back < 3, end - back - 1 >= bytes.startIndex, bytes[end - back - 1] & 0xC0 == 0x80 { back += 1 }
        guard end - back - 1 >= bytes.startIndex else { return 0 }
        let lead = bytes[end - back - 1]
        let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
        return length > back + 1 ? back + 1 : 0
    }

    private func patternList(_ candidates: [Candidate]) -> String {
        let patterns = candidates.filter {
            if case .regex = $0.matcher { return true }
            if case .event = $0.matcher { return true }
            return false
        }.map(\.display)
        if !patterns.isEmpty { return patterns.joined(separator: " or ") }
        // `expect eof` (or default) alone: that is what it waited for.
        let others = candidates.map(\.display).filter { $0 != "timeout" }
        return others.isEmpty ? "nothing but the timeout" : others.joined(separator: " or ")
    }

    private func lastReceived() -> String {
        let tail = buffer.recentTail.suffix(120)
        return "\"\(Self.escape(Array(tail)))\""
    }

    /// Bytes as a C-like string literal (`\r`, `\n`, `\"`, `\xHH`), secrets masked.
    static func escape(_ bytes: [UInt8]) -> String {
        SecretMasking.masked(VisibleText.escaped(String(decoding: bytes, as: UTF8.self), quotes: true))
    }

    static func describe(_ error: SessionError) -> String {
        switch error {
        case .connectFailed(let reason), .closed(let reason), .timedOut(let reason), .invalidAction(let reason): return reason
        case .notConnected: return "not connected"
        case .interrupted: return "interrupted"
        }
    }

    /// A packet as a map of its headers (repeats joined with a line break; legacy
    /// command output as `Output`).
    public static func map(of framed: AMIPacket) -> Value {
        let packet = framed.parsedCopy
        var map = OrderedMap()
        map.reserveCapacity(packet.headers.count + 1)
        for header in packet.headers {
            if case .string(let existing)? = map[header.name] {
                map[header.name] = .string(existing + "\n" + header.value)
            } else {
                map[header.name] = .string(header.value)
            }
        }
        if let response = packet.response, AMIHeader.namesEqual(response, "Follows") {
            map["Output"] = .string(packet.body.joined(separator: "\n"))
        } else if packet.kind == .textOnly {
            map["Text"] = .string(packet.body.joined(separator: "\n"))
        }
        return .map(map)
    }
}

/// Seconds on a monotonic clock.
enum Clock {
    static var now: Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
