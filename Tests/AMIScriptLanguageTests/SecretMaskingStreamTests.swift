import AMIScriptLanguage
import XCTest

/// The masking of `--record`: pieces cut anywhere come out as `SecretMasking.masked` of
/// the whole, piece by piece.
final class SecretMaskingStreamTests: XCTestCase {
    private let conversation = "Action: Login\r\nUsername: admin\r\nSecret: hunter2\r\n\r\n"
        + "Action: Login\r\nAuthType: MD5\r\nkey: 0123456789abcdef\r\nEvents: off\r\n\r\n"
        + "Event: UserEvent\r\nSecretary: Anna\r\nKeys: 3\r\nKey:x\nSECRET:  spaced value\r\n\r\n"

    private func masked(_ pieces: [String]) -> String {
        var stream = SecretMaskingStream()
        return pieces.map { stream.masked($0) }.joined()
    }

    func testWholeTextIsMaskedAsLogFileMasksIt() {
        XCTAssertEqual(masked([conversation]), SecretMasking.masked(conversation))
        XCTAssertTrue(masked([conversation]).hasSuffix("Key: ********\nSECRET: ********\r\n\r\n"))
        // An upper-case name on its own is masked too (log_file writes a line at a time).
        XCTAssertEqual(SecretMasking.masked("SECRET: x\r\n"), "SECRET: ********\r\n")
        XCTAssertEqual(SecretMasking.masked("KEY: x\r\n"), "KEY: ********\r\n")
        XCTAssertFalse(masked([conversation]).contains("hunter2"))
        XCTAssertFalse(masked([conversation]).contains("0123456789abcdef"))
        XCTAssertTrue(masked([conversation]).contains("Secretary: Anna\r\nKeys: 3\r\n"))
    }

    /// Every cut into two pieces, and every cut into three around a secret: the same text
    /// comes out (each piece is a part of the masked whole, so no piece carries any part
    /// of a secret).
    func testCutsAnywhereGiveTheSameText() {
        let characters = Array(conversation)
        let expected = SecretMasking.masked(conversation)
        for cut in 0...characters.count {
            XCTAssertEqual(masked([String(characters[..<cut]), String(characters[cut...])]), expected, "cut at \(cut)")
        }
        let secretStart = characters.firstIndex(of: "h")!
        for first in (secretStart - 10)..<(secretStart + 8) {
            for second in first...(secretStart + 9) {
                let pieces = [String(characters[..<first]), String(characters[first..<second]), String(characters[second...])]
                XCTAssertEqual(masked(pieces), expected, "cuts at \(first), \(second)")
            }
        }
    }

    func testOneByteAtATime() {
        var stream = SecretMaskingStream()
        let output = conversation.map { stream.masked(String($0)) }.joined()
        XCTAssertEqual(output, SecretMasking.masked(conversation))
    }

    func testALineEndCutBetweenCarriageReturnAndLineFeed() {
        XCTAssertEqual(masked(["Secret: abc\r", "\nSecret: def\r\n"]), "Secret: ********\r\nSecret: ********\r\n")
        XCTAssertEqual(masked(["Secret: abc", "def\r", "\nAction: Ping\r\n"]), "Secret: ********\r\nAction: Ping\r\n")
    }
}
