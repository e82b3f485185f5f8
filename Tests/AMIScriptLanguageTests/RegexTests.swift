@testable import AMIScriptLanguage
import XCTest

/// Regex over text that is not valid UTF-8 (what a server may send): PCRE2 10.42's JIT
/// has two faults there that the wrapper must hide (fuzz/findings/expect-minimal-*).
final class RegexTests: XCTestCase {
    /// Matches `bytes` with `after` in memory just past the subject's end.
    private func match(_ pattern: String, _ bytes: [UInt8], after: UInt8, from start: Int = 0) throws -> Regex.Outcome {
        let regex = try Regex(pattern)
        let memory = bytes + [after, after, after, after]
        return memory.withUnsafeBufferPointer { regex.match(UnsafeBufferPointer(rebasing: $0[..<bytes.count]), from: start, partial: false) }
    }

    /// The JIT looked at the byte after the subject for \b and \B when the text ends in a
    /// byte that is not UTF-8: the answer depended on memory the text does not own.
    func testWordBoundaryAfterAnInvalidLastByteDoesNotReadPastTheEnd() throws {
        for pattern in ["\\b", "\\B", "a\\b", "\\b$", "\\B\\z"] {
            for text: [UInt8] in [[0x8D], [0x61, 0x8D], [0x61, 0xE2, 0x82], [0x20, 0xC3], [0x8D, 0x89, 0x8D]] {
                for start in 0...text.count {
                    let beforeWord = try match(pattern, text, after: UInt8(ascii: "a"), from: start)
                    let beforeBlank = try match(pattern, text, after: UInt8(ascii: " "), from: start)
                    XCTAssertEqual(beforeWord, beforeBlank, "/\(pattern)/ on \(text) from \(start)")
                }
            }
        }
    }

    /// PCRE2 anchors a pattern that starts with `.*` to line starts, which misses a match
    /// after a byte that is not UTF-8 on the same line.
    func testALeadingDotStarFindsAMatchAfterAnInvalidByte() throws {
        let regex = try Regex(".*?.$")
        XCTAssertEqual(try regex.match([0x61, 0xBE, 0x62]), [2..<3])
        XCTAssertEqual(try regex.match([0x61, 0xBE, 0x62], from: 2), [2..<3])
        XCTAssertEqual(try Regex(".*b").match([0x61, 0xBE, 0x62]), [2..<3])
    }

    /// Valid text and a scan that is not partial keep their usual answers.
    func testOrdinaryMatchesAreUnchanged() throws {
        XCTAssertEqual(try Regex("\\bOld(\\w+): (\\d+)").match(Array("NewMessages: 1 OldMessages: 22".utf8)), [15..<30, 18..<26, 28..<30])
        XCTAssertNil(try Regex("\\bMessages").match(Array("NewMessages: 1".utf8)))
        // A string pattern (exact text) compiles and matches too.
        XCTAssertEqual(try Regex(".*Manager", literal: true).match(Array("Asterisk .*Manager".utf8)), [9..<18])
    }
}
