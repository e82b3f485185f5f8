import AMIScriptLanguage
import XCTest

/// The parser tells the REPL when typed input is unfinished (so it asks for another line)
/// rather than wrong: the REPL has no scanner of its own.
final class IncompleteInputTests: XCTestCase {
    private func incomplete(_ text: String) -> Bool {
        Parser.parseInteractive(SourceFile(name: "repl", text: text)).isIncomplete
    }

    func testOpenBlocksBracketsAndOperatorsWantMore() {
        for text in ["if 1 {", "if 1 {\n  print 1", "while 1 {\n", "proc f(a) {", "expect {", "expect {\n  /x/ {",
                     "print (1 +", "print [1, 2", "set x 1 +", "print 1 &&", "set l [", "print len(", "if 1 { print 1 } else {",
                     "action Ping else {", "print 1 ..", "set x $a =~", "print \"joined\" \\",
                     "set m {", "set m {\na: 1", "set m {\na: 1,\nb: [1,\n2]", "print {a: {b: 1}"] {
            XCTAssertTrue(incomplete(text), "wants more: \(text.debugDescription)")
        }
    }

    func testWholeOrWrongInputIsNotIncomplete() {
        for text in ["print 1", "if 1 {\n  print 1\n}", "print \"a {\"", "# comment {", "bogus", "print )", "set",
                     "print 'x (' + \"[\"", "expect {\n  /x/ { print 1 }\n}", "print 1 +\n2", "}"] {
            XCTAssertFalse(incomplete(text), "complete or wrong: \(text.debugDescription)")
        }
    }
}
