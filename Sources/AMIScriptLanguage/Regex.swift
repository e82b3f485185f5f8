import CPCRE2

/// A compiled PCRE2 pattern (JIT-compiled when the platform allows), matched against
/// bytes. PCRE2 is what Expect users know (Perl syntax) and the fastest engine here.
public final class Regex: @unchecked Sendable {
    // @unchecked: the compiled code is immutable after init and PCRE2 allows concurrent
    // matching with separate match data, which each call creates.
    private let code: OpaquePointer
    public let source: String
    public let flags: String
    /// Named groups and their numbers.
    public let groupNames: [(name: String, number: Int)]
    public let captureCount: Int
    /// How far back a lookbehind can look (so a resumed scan keeps its context).
    public let maxLookbehind: Int

    public struct CompileError: Error, Sendable, Hashable {
        public var message: String
        public var offset: Int
    }

    /// `literal`: the pattern is plain text (string patterns of `expect`).
    public init(_ pattern: String, flags: String = "", literal: Bool = false) throws {
        // PCRE2_NO_DOTSTAR_ANCHOR: PCRE2 would anchor a pattern that starts with `.*` to
        // line starts, which (in 10.42, with invalid UTF-8 allowed) misses a match after a
        // byte that is not UTF-8 on the same line: `/.*?.$/` found nothing in `a\xBEb`
        // (a fuzzer find). The JIT stays linear without the optimisation (bench: 1 MB line).
        var options: UInt32 = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF
        // (PCRE2 refuses the option with PCRE2_LITERAL, where it has no meaning.)
        options |= literal ? PCRE2_LITERAL : PCRE2_NO_DOTSTAR_ANCHOR
        for flag in flags {
            switch flag {
            case "i": options |= PCRE2_CASELESS
            case "s": options |= PCRE2_DOTALL
            case "m": options |= PCRE2_MULTILINE
            case "x": options |= PCRE2_EXTENDED
            default: throw CompileError(message: "unknown regex flag '\(flag)'", offset: 0)
            }
        }
        var errorCode: Int32 = 0
        var errorOffset: Int = 0
        let bytes = Array(pattern.utf8)
        guard let compiled = bytes.withUnsafeBufferPointer({ buffer in
            pcre2_compile_8(buffer.baseAddress, buffer.count, options, &errorCode, &errorOffset, nil)
        }) else {
            var message = [UInt8](repeating: 0, count: 256)
            let length = pcre2_get_error_message_8(errorCode, &message, message.count)
            throw CompileError(message: String(decoding: message.prefix(max(0, Int(length))), as: UTF8.self), offset: errorOffset)
        }
        code = compiled
        source = pattern
        self.flags = flags
        _ = pcre2_jit_compile_8(code, PCRE2_JIT_COMPLETE | PCRE2_JIT_PARTIAL_SOFT)
        var count: UInt32 = 0
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_CAPTURECOUNT), &count)
        captureCount = Int(count)
        var lookbehind: UInt32 = 0
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_MAXLOOKBEHIND), &lookbehind)
        maxLookbehind = Int(lookbehind)
        var nameCount: UInt32 = 0
        var entrySize: UInt32 = 0
        var table: UnsafePointer<UInt8>?
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_NAMECOUNT), &nameCount)
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_NAMEENTRYSIZE), &entrySize)
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_NAMETABLE), &table)
        var names: [(String, Int)] = []
        if let table {
            for index in 0..<Int(nameCount) {
                let entry = table + index * Int(entrySize)
                let number = Int(entry[0]) << 8 | Int(entry[1])
                var name: [UInt8] = []
                var cursor = entry + 2
                while cursor.pointee != 0 { name.append(cursor.pointee); cursor += 1 }
                names.append((String(decoding: name, as: UTF8.self), number))
            }
        }
        groupNames = names
    }

    deinit { pcre2_code_free_8(code) }

    /// What one match attempt found.
    public enum Outcome: Equatable {
        /// Group ranges (nil: the group did not take part); index 0 is the whole match.
        case match([Range<Int>?])
        /// No match yet, but one could start at this offset once more text arrives.
        case partial(from: Int)
        case none
        /// PCRE2 gave up (its match limit: a pattern that backtracks without end on this
        /// text); the reason, as PCRE2 words it.
        case failed(String)
    }

    /// A match PCRE2 gave up on (see `Outcome.failed`).
    public struct MatchFailure: Error, Sendable {
        public var reason: String
    }

    /// Matches `subject` from `start` (earlier bytes are context for lookbehind and
    /// anchors only). With `partial`, reports where a match could still begin.
    public func match(_ subject: UnsafeBufferPointer<UInt8>, from start: Int, partial: Bool) -> Outcome {
        guard Self.endsInWholeCharacter(subject) else {
            // PCRE2 10.42's JIT reads the byte after the subject for \b and \B when the text
            // ends in bytes that are not UTF-8 (a fuzzer find: the answer depended on memory
            // the text does not own). A copy ending in NUL bytes, outside the subject, gives
            // the answer an end of text gives.
            let padded = Array(subject) + [0, 0, 0, 0]
            return padded.withUnsafeBufferPointer {
                match(unpadded: UnsafeBufferPointer(rebasing: $0[..<subject.count]), from: start, partial: partial)
            }
        }
        return match(unpadded: subject, from: start, partial: partial)
    }

    private func match(unpadded subject: UnsafeBufferPointer<UInt8>, from start: Int, partial: Bool) -> Outcome {
        guard let data = pcre2_match_data_create_from_pattern_8(code, nil) else { return .none }
        defer { pcre2_match_data_free_8(data) }
        let base = subject.baseAddress ?? UnsafePointer(bitPattern: 1)!
        let options: UInt32 = partial ? PCRE2_PARTIAL_SOFT : 0
        let result = pcre2_match_8(code, base, subject.count, start, options, data, nil)
        let vector = pcre2_get_ovector_pointer_8(data)!
        if result == PCRE2_ERROR_PARTIAL { return .partial(from: Int(vector[0])) }
        if result == PCRE2_ERROR_NOMATCH { return .none }
        guard result >= 0 else {
            var message = [UInt8](repeating: 0, count: 256)
            let length = pcre2_get_error_message_8(result, &message, message.count)
            return .failed(String(decoding: message.prefix(max(0, Int(length))), as: UTF8.self))
        }
        var groups: [Range<Int>?] = []
        // Groups at or past the return code did not take part; an unset one holds
        // PCRE2_UNSET (~(size_t)0, which Swift sees as -1 and cannot import as a macro).
        for group in 0...captureCount {
            let low = Int(bitPattern: UInt(bitPattern: vector[2 * group]))
            let high = Int(bitPattern: UInt(bitPattern: vector[2 * group + 1]))
            let valid = group < Int(result) && low >= 0 && high >= low && high <= subject.count
            groups.append(valid ? low..<high : nil)
        }
        return .match(groups)
    }

    /// True when `bytes` is empty or ends in a whole, valid UTF-8 character (Unicode's
    /// table 3-7: no overlong forms, no surrogates, nothing past U+10FFFF).
    static func endsInWholeCharacter(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let last = bytes.last, last >= 0x80 else { return true }
        let end = bytes.count
        var back = 0
        while back < 3, end - back - 1 >= 0, bytes[end - back - 1] & 0xC0 == 0x80 { back += 1 }
        guard back >= 1, end - back - 1 >= 0 else { return false }
        let lead = bytes[end - back - 1]
        let length = lead >= 0xF5 ? 0 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 ? 2 : 0
        guard length == back + 1 else { return false }
        let second = bytes[end - back]
        switch lead {
        case 0xE0: return second >= 0xA0
        case 0xED: return second < 0xA0
        case 0xF0: return second >= 0x90
        case 0xF4: return second < 0x90
        default: return true
        }
    }

    public func match(_ bytes: [UInt8], from start: Int = 0) throws(MatchFailure) -> [Range<Int>?]? {
        let outcome = bytes.withUnsafeBufferPointer { buffer in match(buffer, from: start, partial: false) }
        switch outcome {
        case .match(let groups): return groups
        case .failed(let reason): throw MatchFailure(reason: reason)
        case .partial, .none: return nil
        }
    }

    /// True when where a scan starts changes what matches (`\G`, backtracking control
    /// verbs like `(*SKIP)`): expect then rescans from the head instead of resuming.
    public var dependsOnStart: Bool { source.contains("\\G") || source.contains("(*") }

    /// The pattern as a script writes it: `/source/flags`.
    public var display: String { "/\(source)/\(flags)" }

    /// `text` with every regex metacharacter escaped (for `${name}` inside a regex).
    public static func quoted(_ text: String) -> String {
        "\\Q" + text.replacingOccurrences(of: "\\E", with: "\\E\\\\E\\Q") + "\\E"
    }
}

extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = Substring(self)
        while let range = rest.range(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}

extension Substring {
    func range(of target: String) -> Range<Substring.Index>? {
        guard !target.isEmpty else { return nil }
        var index = startIndex
        while index < endIndex {
            if self[index...].hasPrefix(target) {
                return index..<self.index(index, offsetBy: target.count)
            }
            index = self.index(after: index)
        }
        return nil
    }
}
