@testable import AMIScriptLanguage
import XCTest

/// Tokens and nodes carry their location; errors are reported all at once, at the
/// right column.
final class LexerParserTests: XCTestCase {
    func testTokensCarryTheirLocation() throws {
        let source = SourceFile(name: "t.ami", text: "set x 1\n  print \"a $x\" /re/i\n")
        var lexer = Lexer(source: source)
        var seen: [(String, Int, Int)] = []
        while true {
            let token = try lexer.next(regexAllowed: true)
            if case .end = token.kind { break }
            let location = source.location(of: token.offset)
            seen.append(("\(token.kind)".prefix(12).description, location.line, location.column))
        }
        XCTAssertEqual(seen.map(\.1), [1, 1, 1, 1, 2, 2, 2, 2])
        XCTAssertEqual(seen.map(\.2), [1, 5, 7, 8, 3, 9, 16, 21])
    }

    func testStringInterpolationParts() throws {
        var lexer = Lexer(source: SourceFile(name: "t", text: #""a $x ${r.F} $1 ${l[0]} $response.Field \$ $ end""#))
        guard case .string(let literal) = try lexer.next(regexAllowed: false).kind else { return XCTFail() }
        XCTAssertEqual(literal.parts, [
            .text("a "), .variable(VariablePath(name: "x", accesses: [])), .text(" "),
            .variable(VariablePath(name: "r", accesses: [.field("F")])), .text(" "),
            .variable(VariablePath(name: "1", accesses: [])), .text(" "),
            .variable(VariablePath(name: "l", accesses: [.index(0)])), .text(" "),
            .variable(VariablePath(name: "response", accesses: [])), .text(".Field $ $ end"),
        ])
    }

    func testRegexLiteralInsertsVariablesAndKeepsTheEndAnchor() throws {
        var lexer = Lexer(source: SourceFile(name: "t", text: #"/^a\/b${v}$/im"#))
        guard case .regex(let literal) = try lexer.next(regexAllowed: true).kind else { return XCTFail() }
        XCTAssertEqual(literal.parts, [.pattern(#"^a/b"#), .variable(VariablePath(name: "v", accesses: [])), .pattern("$")])
        XCTAssertEqual(literal.flags, "im")
    }

    func testSlashIsDivisionWhereARegexCannotStart() {
        let (script, diagnostics) = Parser.parse(SourceFile(name: "t", text: "set x 10 / 2 / 5\n"))
        XCTAssertEqual(diagnostics, [])
        guard case .set(_, _, .binary("/", .binary("/", _, _, _), _, _), _)? = script.statements.first else {
            return XCTFail("\(script.statements)")
        }
    }

    func testEveryErrorIsReportedWithItsPosition() {
        let (_, diagnostics) = Parser.parse(SourceFile(name: "t.ami", text: """
            print "ok"
            set
            if 1 {
                bogus
                print (1 +
            }
            expect /(/
            """))
        XCTAssertEqual(diagnostics.map(\.description), [
            "t.ami:2:4: error: 'set' wants a variable name, found the end of the line",
            "t.ami:4:5: error: unknown statement 'bogus'",
            "t.ami:6:1: error: expected a value, found '}'",
            "t.ami:7:8: error: bad regex /(/: missing closing parenthesis at offset 1",
        ])
    }

    func testDiagnosticRendersTheLineAndACaret() {
        let source = SourceFile(name: "t.ami", text: "print 1\n\tprint $nope\n")
        let diagnostic = Diagnostic(SourceLocation(file: "t.ami", line: 2, column: 8), "no variable named $nope")
        XCTAssertEqual(diagnostic.rendered(in: source), "t.ami:2:8: error: no variable named $nope\n\tprint $nope\n\t      ^\n")
    }

    func testSecretsAreMaskedInText() {
        XCTAssertEqual(SecretMasking.masked("Action: Login\r\nUsername: a\r\nSecret: hunter2\r\nkey: abc\r\n"),
                       "Action: Login\r\nUsername: a\r\nSecret: ********\r\nkey: ********\r\n")
    }

    /// 8,000 stray braces (a fuzzer's find: it took 14 s) stop at 100 errors and a note.
    func testTheParserStopsAfterAHundredErrors() {
        let (_, diagnostics) = Parser.parse(SourceFile(name: "t", text: String(repeating: "}", count: 8000)))
        XCTAssertEqual(diagnostics.count, 101)
        XCTAssertEqual(diagnostics.last?.message, "too many errors (100); stopping here")
    }

    /// A quoted source line keeps its length (the caret stays put) and loses its secrets.
    func testSecretsAreMaskedInQuotedSourceLines() {
        let cases: [(String, String)] = [
            ("login admin \"hunter2\" events off", "login admin \"*******\" events off"),
            ("connect; login admin hunter2 else { exit 3 }", "connect; login admin ******* else { exit 3 }"),
            ("  login \"ad min\" 'p\\'w' md5", "  login \"ad min\" '****' md5"),
            ("login admin $secret", "login admin $secret"),
            ("login admin env(\"AMI_SECRET\")", "login admin env(\"AMI_SECRET\")"),
            ("login admin events off", "login admin events off"),
            ("login events off", "login events off"),
            ("login md5 else { exit 1 }", "login md5 else { exit 1 }"),
            ("login", "login"),
            ("print \"login admin x\"", "print \"login admin x\""),
            ("action Login Username=admin Secret=hunter2 Events=off", "action Login Username=admin Secret=******* Events=off"),
            ("action Login Secret=\"a b\" Key=$k", "action Login Secret=\"***\" Key=$k"),
            ("send \"Secret: hunter2\\r\\n\"", "send \"Secret: *******\\r\\n\""),
        ]
        for (line, masked) in cases {
            XCTAssertEqual(SecretMasking.maskedSourceLine(line), masked, line)
            XCTAssertEqual(SecretMasking.maskedSourceLine(line).count, line.count, line)
        }
    }
}
