/// The built-ins that need more than their arguments' values: `match`, `sub` and `gsub`
/// take a regex literal with its flags (`/x/i`), `exec` and `sh` wait without holding up
/// the connection, and get the script's timeout.
extension Interpreter {
    /// The result of such a call, or nil when `name` is not one of them.
    func specialCall(_ name: String, _ arguments: [Expression], at location: SourceLocation) async throws -> Value? {
        switch name {
        case "match", "sub", "gsub", "exec", "sh": break
        default: return nil
        }
        if let problem = Builtins.arityProblem(name, arguments.count) { throw ScriptError(location, problem) }
        switch name {
        case "exec", "sh":
            var words: [String] = []
            for argument in arguments { words.append(try await evaluate(argument).description) }
            if name == "sh" { words = ["/bin/sh", "-c", words[0]] }
            guard !words[0].isEmpty else {
                // Like any program that cannot start: status 127 and the reason.
                return ProcessRunner.Outcome(status: 127, stdout: "", stderr: "amiscript: exec: cannot run '': the program name is empty\n").value
            }
            let seconds = lookup("timeout")?.number ?? configuration.timeout
            return await ProcessRunner.run(words, environment: configuration.environment, timeout: seconds < 0 ? nil : seconds).value
        default:
            let subject = Array(try await evaluate(arguments[0]).description.utf8)
            let regex: Regex
            if case .regex(let literal, let at) = arguments[1] {
                regex = try compile(literal, at: at)
            } else {
                regex = try compileText(try await evaluate(arguments[1]).description, literal: false, at: arguments[1].location)
            }
            if name == "match" {
                guard let groups = try Self.match(regex, subject, at: location) else { return Value.none }
                return .list(groups.map { range in .string(range.map { String(decoding: subject[$0], as: UTF8.self) } ?? "") })
            }
            let replacement = Array(try await evaluate(arguments[2]).description.utf8)
            return .string(try Self.substitute(subject, regex, replacement, everyMatch: name == "gsub", at: location))
        }
    }

    /// A match of `regex` in `subject`; PCRE2 giving up (its match limit) is a runtime
    /// error that names the pattern, not a silent "no match".
    static func match(_ regex: Regex, _ subject: [UInt8], from start: Int = 0, at location: SourceLocation) throws -> [Range<Int>?]? {
        do {
            return try regex.match(subject, from: start)
        } catch {
            throw gaveUp(regex.display, error.reason, at: location)
        }
    }

    static func gaveUp(_ pattern: String, _ reason: String, at location: SourceLocation) -> ScriptError {
        ScriptError(location, "the regex \(pattern) gave up on this text (\(reason)): it backtracks too much; make it more specific")
    }

    /// `subject` with the first (or every) match replaced; in the replacement `\0`..`\9`
    /// stand for the match and its groups, `\\` for a backslash.
    static func substitute(_ subject: [UInt8], _ regex: Regex, _ replacement: [UInt8], everyMatch: Bool,
                           at location: SourceLocation) throws -> String {
        var result: [UInt8] = []
        result.reserveCapacity(subject.count)
        var copiedTo = 0
        var from = 0
        while from <= subject.count, let groups = try match(regex, subject, from: from, at: location), let whole = groups[0] {
            result += subject[copiedTo..<whole.lowerBound]
            var index = 0
            while index < replacement.count {
                let byte = replacement[index]
                if byte == UInt8(ascii: "\\"), index + 1 < replacement.count {
                    let next = replacement[index + 1]
                    if next >= UInt8(ascii: "0"), next <= UInt8(ascii: "9") {
                        let group = Int(next - UInt8(ascii: "0"))
                        if group < groups.count, let range = groups[group] { result += subject[range] }
                        index += 2
                        continue
                    }
                    if next == UInt8(ascii: "\\") {
                        result.append(next)
                        index += 2
                        continue
                    }
                }
                result.append(byte)
                index += 1
            }
            copiedTo = whole.upperBound
            guard everyMatch else { break }
            if whole.isEmpty {
                // An empty match: step over one character (not into the middle of one).
                guard whole.upperBound < subject.count else { break }
                var step = whole.upperBound + 1
                while step < subject.count, subject[step] & 0xC0 == 0x80 { step += 1 }
                result += subject[copiedTo..<step]
                copiedTo = step
                from = step
            } else {
                from = whole.upperBound
            }
        }
        result += subject[copiedTo...]
        return String(decoding: result, as: UTF8.self)
    }
}
