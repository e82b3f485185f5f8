import XCTest
@testable import AMIScriptLanguage

/// The checks of `--check`: each finding's kind and position, and what must not be found.
final class StaticChecksTests: XCTestCase {
    private func findings(_ text: String, context: StaticChecks.Context = .init()) -> [String] {
        let (script, diagnostics) = Parser.parse(SourceFile(name: "t", text: text))
        XCTAssertEqual(diagnostics, [], "the test's script must parse")
        return StaticChecks.check(script.statements, context: context).map(\.description)
    }

    func testUnknownCallsAndArgumentCountsAreErrors() {
        XCTAssertEqual(findings("print uper(\"a\")\nlen()\n"), [
            "t:1:7: error: no function or proc named 'uper': did you mean 'upper'?",
            "t:2:1: error: len() takes 1 argument, not 0",
        ])
        // A proc defined after its call, and inside a block, is known; so is its parameter count.
        XCTAssertEqual(findings("print later(1)\nif 1 { proc later(a) { return $a } }\nprint later()\n"),
                       ["t:3:7: error: later takes 1 argument, not 0"])
    }

    func testFormatTemplatesWrittenOutAreCounted() {
        XCTAssertEqual(findings("print format(\"%s %d\", 1)\n"), ["t:1:7: error: format(): '%d' has no value (1 given)"])
        XCTAssertEqual(findings("set f \"%s\"\nprint format($f)\n"), [], "a template in a variable is known only when it runs")
    }

    func testVariablesSetAnywhereCount() {
        let script = """
            proc p(x) { set late $x }
            print $late $x $argv $1 $event
            for k, v in [1] { print $k $v }
            expect /(?<named>a)(?'quoted'b)(?P<python>c)\\(?<escaped>d\\)/
            print $named $quoted $python $escaped
            """
        XCTAssertEqual(findings(script), ["t:5:30: warning: $escaped is read but set nowhere in the script"])
        XCTAssertEqual(findings("print $seen\n", context: .init(variables: ["seen"])), [], "the REPL's variables")
        XCTAssertEqual(findings("set counts[x] 1\nprint $counts\n"), ["t:1:1: warning: $counts is read but set nowhere in the script"],
                       "setting into a variable does not make it")
        XCTAssertEqual(findings("print \"${a.b} $c[$d]\"\n").count, 3, "every variable in a string, each once")
    }

    func testUnreachableStatementsAreWarnedOncePerBlock() {
        XCTAssertEqual(findings("while 1 { break\nprint 1\nprint 2 }\nexit 0\nprint 3\n"), [
            "t:2:1: warning: this statement never runs: 'break' on line 1 comes before it in the same block",
            "t:5:1: warning: this statement never runs: 'exit' on line 4 comes before it in the same block",
        ])
        XCTAssertEqual(findings("if 1 { exit 1 }\nprint 2\n"), [], "a jump inside a branch ends only that branch")
    }

    func testSendAndSecretWarnings() {
        XCTAssertEqual(findings("send \"a\\r\\n\"\nsend -raw \"a\\r\\n\"\nsend \"a\\n\"\n"), [
            "t:1:6: warning: the text to send holds \\r\\n: send already writes each \\n as \\r\\n, so write \\n (or use send -raw for bytes as they are)",
        ])
        XCTAssertEqual(findings("login admin \"pw\"\nlogin admin $argv[0]\nlogin admin secret()\nlogin\n").count, 1)
    }

    func testASecretIsMaskedWhereTheLineIsQuoted() throws {
        let source = SourceFile(name: "t", text: "login admin \"p\\\"w d\" md5\naction Login Secret=bare Username=x\n")
        let (script, _) = Parser.parse(source)
        let rendered = StaticChecks.check(script.statements).map { $0.rendered(in: source) }.joined()
        XCTAssertFalse(rendered.contains("p\\\"w"), rendered)
        XCTAssertFalse(rendered.contains("bare"), rendered)
        XCTAssertTrue(rendered.contains("login admin \"******\" md5"), rendered)
        XCTAssertTrue(rendered.contains("Secret=**** Username=x"), rendered)
    }
}
