@testable import ExpectConversion
import XCTest

/// Tcl's reading rules, as the converter relies on them.
final class TclParserTests: XCTestCase {
    func testWordsBracesQuotesAndSubstitutions() throws {
        let script = try TclParser.parse("""
            set a {x $y [z]}   ;# braces: no substitution
            send "Action: Login\\nUser: $user\\n"
            set b [lindex $argv 0]
            puts $env(HOME)$x
            """)
        let commands = script.commands.filter { $0.comment == nil }
        XCTAssertEqual(commands.count, 4)
        XCTAssertEqual(commands[0].words[2].literal, "x $y [z]")
        XCTAssertEqual(commands[1].words[1].parts, [.text("Action: Login\nUser: "), .variable(name: "user", index: nil), .text("\n")])
        guard case .command(let inner) = commands[2].words[2].parts[0] else { return XCTFail("no command substitution") }
        XCTAssertEqual(inner.commands[0].words.map(\.source), ["lindex", "$argv", "0"])
        XCTAssertEqual(commands[3].words[1].parts, [.variable(name: "env", index: [.text("HOME")]), .variable(name: "x", index: nil)])
        XCTAssertEqual(commands.map(\.line), [1, 2, 3, 4])
    }

    func testCommentsOnlyWhereACommandStarts() throws {
        let script = try TclParser.parse("# a comment\nset x 1 ;# another\nset y #notacomment\n")
        XCTAssertEqual(script.commands.compactMap(\.comment), [" a comment", " another"])
        XCTAssertEqual(script.commands.last?.words.last?.literal, "#notacomment")
    }

    func testBackslashesAndLineContinuation() throws {
        let script = try TclParser.parse("set x \"a\\tb\\x41\\u00e9\\\\\"\nset y a\\\n    b\n")
        XCTAssertEqual(script.commands[0].words[2].literal, "a\tbAé\\")
        XCTAssertEqual(script.commands[1].words.map(\.literal), ["set", "y", "a", "b"])
    }

    func testAListSpansLinesAndKeepsBodiesWhole() throws {
        let words = try TclParser.parseList("""
            -re "Response:\\\\s*Error" {
                send_user "failed\\n"
                exit 1
            }
            timeout { exit 2 }
            """)
        XCTAssertEqual(words.map(\.source).prefix(2), ["-re", "Response:\\\\s*Error"])
        XCTAssertEqual(words[1].literal, "Response:\\s*Error")
        XCTAssertEqual(words.count, 5)
        XCTAssertEqual(words[3].literal, "timeout")
    }

    func testUnclosedBraceOrQuoteIsAnErrorWithItsLine() {
        XCTAssertThrowsError(try TclParser.parse("set a 1\nif {$a {\n  puts x\n")) { error in
            XCTAssertEqual((error as? TclSyntaxError)?.line, 2)
        }
        XCTAssertThrowsError(try TclParser.parse("puts \"abc\n\n")) { error in
            XCTAssertEqual((error as? TclSyntaxError)?.message.hasPrefix("missing closing quote"), true)
        }
    }

    /// A fuzzer find: a backslash-newline in a list made the reader add empty words for ever.
    func testABackslashNewlineInAListIsABlank() throws {
        XCTAssertEqual(try TclParser.parseList("\nx\\\n y\n").compactMap(\.literal), ["x", "y"])
    }

    func testDeepNestingIsAnErrorNotACrash() {
        let deep = String(repeating: "[list ", count: 5000) + String(repeating: "]", count: 5000)
        XCTAssertThrowsError(try TclParser.parse("set x " + deep))
    }
}
