@testable import ExpectConversion
import XCTest

/// What `amiscript convert` writes for each Tcl and Expect form.
final class ConverterTests: XCTestCase {
    /// The converted body of `tcl`, without the two header lines.
    private func convert(_ tcl: String, file: StaticString = #filePath, line: UInt = #line) -> (text: String, notes: [String]) {
        do {
            let result = try ExpectConverter.convert(tcl, sourceName: "t.exp")
            // Without the header and the helper procs (convert_…) written after it.
            var lines = Array(result.text.split(separator: "\n", omittingEmptySubsequences: false).dropFirst(2))
            while let first = lines.first, first.hasPrefix("proc convert_") {
                let end = lines.firstIndex(of: "}") ?? lines.count - 1
                lines.removeFirst(end + 1)
            }
            return (lines.joined(separator: "\n").trimmingTrailingNewlines, result.notes.map(\.description))
        } catch {
            XCTFail("\(error)", file: file, line: line)
            return ("", [])
        }
    }

    func testHeaderNamesTheSource() throws {
        let result = try ExpectConverter.convert("#!/usr/bin/expect -f\nexit 0\n", sourceName: "job.exp")
        XCTAssertEqual(result.text, "#!/usr/bin/env amiscript\n# Converted from job.exp by amiscript convert.\nexit 0\n")
        XCTAssertTrue(result.isComplete)
    }

    func testSpawnTelnetAndAnExpectWithBodies() {
        let out = convert("""
            log_user 0
            spawn telnet $host 5038
            expect {
                -re "Response:\\\\s*(\\\\w+)" { puts "got $expect_out(1,string)" }
                -ex "a*b" exp_continue
                -gl "Message: *" { send_user "$expect_out(buffer)" }
                timeout { exit 2 }
            }
            """)
        XCTAssertEqual(out.text, """
            log_user off
            connect $host 5038 else { }
            expect {
                /Response:\\s*(\\w+)/s {
                    send_user "got $1\\n"
                }
                "a*b" {
                    exp_continue
                }
                /Message: .*/s {
                    send_user "${before}$0"
                }
                timeout {
                    exit 2
                }
                eof
            }
            """)
        XCTAssertEqual(out.notes, [])
    }

    func testExpectWithoutTimeoutBranchGetsOneAsExpectReturnsQuietly() {
        XCTAssertEqual(convert("expect_before eof { exit 1 }\nexpect \"Manager\"").text, """
            expect_before eof {
                exit 1
            }
            expect {
                "Manager"
                timeout
            }
            """)
    }

    func testExpressionsKeepTclsMeaning() {
        let out = convert("""
            set n [expr {$a / 2 + $b % 3}]
            set f [expr {$a / 2.0}]
            if {$x eq "yes" && [llength $argv] > 1} { puts ok } elseif {!$y} { puts no } else { puts maybe }
            """)
        XCTAssertEqual(out.text, """
            set n (int($a / 2) + ($b % 3))
            set f ($a / 2.0)
            if ($x == "yes") && (len($argv) > 1) {
                send_user "ok\\n"
            } elif !$y {
                send_user "no\\n"
            } else {
                send_user "maybe\\n"
            }
            """)
    }

    func testListsAndStrings() {
        let out = convert("""
            set boxes {}
            lappend boxes "100@default" $box
            foreach b [lsort $boxes] { puts [string toupper $b] }
            puts "[llength $boxes] boxes: $boxes"
            set first [lindex $boxes end]
            set part [string range $first 0 2]
            """)
        XCTAssertEqual(out.text, """
            set boxes []
            set boxes ($boxes + ["100@default", $box])
            for b in sort($boxes, "text") {
                send_user join([upper($b), "\\n"], "")
            }
            send_user join([len($boxes), " boxes: ", convert_list_text($boxes), "\\n"], "")
            set first get($boxes, -1, "")
            set part substr($first, 0, 3)
            """)
    }

    func testRegexpWithMatchVariablesSetsThemFirst() {
        let out = convert("if {[regexp {(\\d+)@(\\w+)} $box -> number context]} { puts $number }")
        XCTAssertEqual(out.text, """
            set convert_match1 match($box, "(?s)(\\\\d+)@(\\\\w+)")
            if $convert_match1 != nil { set number $convert_match1[1]; set context $convert_match1[2] }
            if ($convert_match1 != nil) {
                send_user "${number}\\n"
            }
            """)
    }

    func testForLoopRunsItsNextStepBeforeContinue() {
        XCTAssertEqual(convert("for {set i 0} {$i < 3} {incr i} { if {$i == 1} continue; puts $i }").text, """
            set i 0
            while $i < 3 {
                if $i == 1 {
                    set i ($i + 1)
                    continue
                }
                send_user "${i}\\n"
                set i ($i + 1)
            }
            """)
    }

    func testProcsAndCalls() {
        XCTAssertEqual(convert("proc twice {n} { return [expr {$n * 2}] }\nputs [twice 4]\ntwice 5").text, """
            proc twice(n) {
                return ($n * 2)
            }
            send_user join([twice(4), "\\n"], "")
            twice(5)
            """)
    }

    func testTclsTruthValuesPrintAsOneAndZero() {
        XCTAssertEqual(convert("puts \"same: [string equal $a b]\"\nif {[string equal $a b]} { puts yes }").text, """
            set convert_truth1 0
            if ($a == "b") { set convert_truth1 1 }
            send_user join(["same: ", $convert_truth1, "\\n"], "")
            if ($a == "b") {
                send_user "yes\\n"
            }
            """)
    }

    func testProcsThatRaiseErrorsReturnWhetherTheyDidForCatch() {
        let out = convert("""
            proc check {x} { if {$x > 1} { error "too big: $x" }; return ok }
            if {[catch {check 5} message]} { puts "caught $message" }
            """)
        XCTAssertEqual(out.text, """
            proc check(x) {
                if $x > 1 {
                    return ["error", "too big: ${x}"]
                }
                return ["ok", "ok"]
                return ["ok", ""]
            }
            set convert_result2 check(5)
            set convert_caught1 0
            if $convert_result2[0] == "error" { set convert_caught1 1 }
            set message $convert_result2[1]
            if $convert_caught1 {
                send_user "caught ${message}\\n"
            }
            """)
        XCTAssertEqual(out.notes, [])
    }

    func testAPatternListIsOnlyWhatExpectTakesForOne() {
        // Expect's rule: the only argument, its first line empty. A timeout inside the list.
        XCTAssertEqual(convert("expect {\n  -timeout 2\n  \"Pong\" { puts p }\n}").text, """
            expect -timeout 2 {
                "Pong" {
                    send_user "p\\n"
                }
                timeout
                eof
            }
            """)
        // On one line it is one glob pattern to Expect, and so here (with a note).
        let oneLine = convert("expect -timeout 1 {\n  \"a\" {puts a}\n}")
        XCTAssertTrue(oneLine.text.hasPrefix("expect -timeout 1 {\n    \"\\n  \\\"a\\\" {puts a}\\n\"\n"), oneLine.text)
        XCTAssertEqual(oneLine.notes.count, 1)
    }

    func testArraysAreMapsAndMissingElementsStartEmpty() {
        XCTAssertEqual(convert("""
            foreach c $classes { incr count($c); lappend seen($c) $a }
            puts "[array size count] [lsort [array names count]]"
            if {[info exists count(x)]} { puts $count(x) }
            """).text, """
            set count {}
            set seen {}
            for c in $classes {
                set count[$c] (get($count, $c, 0) + 1)
                set seen[$c] (get($seen, $c, []) + [$a])
            }
            send_user join([len($count), " ", convert_list_text(sort(keys($count), "text")), "\\n"], "")
            if contains($count, "x") {
                send_user join([$count["x"], "\\n"], "")
            }
            """)
    }

    func testListCommandsWithoutBuiltinsUseHelperProcs() throws {
        let result = try ExpectConverter.convert("set names {OK WARNING}\nputs [lsearch -exact $names $w]\nputs [lmap n $names {string tolower $n}]", sourceName: "t.exp")
        XCTAssertTrue(result.text.contains("set names [\"OK\", \"WARNING\"]"), result.text)
        XCTAssertTrue(result.text.contains("proc convert_lsearch(items, pattern, exact) {"), result.text)
        XCTAssertTrue(result.text.contains("send_user join([convert_lsearch($names, $w, true), \"\\n\"], \"\")"), result.text)
        XCTAssertTrue(result.text.contains("for n in $names {\n    set convert_lmap1 ($convert_lmap1 + [lower($n)])\n}"), result.text)
        XCTAssertTrue(result.isComplete)
    }

    func testExecWithAHereStringGoesThroughTheShell() {
        XCTAssertEqual(convert("set up [exec tr a-z A-Z << $got]").text,
                       "set up sub(sh(join([\"printf '%s' \", convert_shell_quote($got), \" | \", join([convert_shell_quote(\"tr\"), convert_shell_quote(\"a-z\"), convert_shell_quote(\"A-Z\")])], \"\")).stdout, \"\\n$\", \"\")")
    }

    /// Fuzzer finds: what would make amiscript refuse the converted script is noted instead.
    func testHostileInputStillGivesAScriptAmiscriptAccepts() {
        XCTAssertEqual(convert("# a form feed \u{0C} in a comment").text, "# a form feed \\u{c} in a comment")
        XCTAssertEqual(convert("puts $").text, "send_user \"\\$\\n\"")
        XCTAssertEqual(convert("expect -re \"a\\001\\014b\" {}").text, "expect {\n    /a\\x{1}\\x{c}b/s\n    timeout\n    eof\n}")
        XCTAssertEqual(convert("continue").notes, ["line 1: continue outside a loop (a runtime error in Tcl, refused by amiscript)"])
        XCTAssertEqual(convert("expect -re {a(} {}").notes.count, 1)
        XCTAssertEqual(convert("puts [format %c 65]").notes.count, 1)
        XCTAssertEqual(convert("proc p {a} { return $a }\np 1 2").text, "proc p(a) {\n    return $a\n}")
        XCTAssertEqual(convert("proc p {a-b a_b} { }").text, "proc p(a_b, a_b_) {\n}")
        XCTAssertEqual(convert("exec\nset x [exec --]\nset y [concat]").notes.count, 2)
        // A combining mark after a quote would join it (amiscript reads grapheme clusters).
        XCTAssertEqual(convert("puts \"\u{65A}x\\u0600\"").text, "send_user \"\\u{65A}x\\u{600}\\n\"")
        // A proc may take a Tcl command's or an amiscript built-in's name.
        XCTAssertEqual(convert("proc join {a} { return $a }\nputs [join 1]").text,
                       "proc join_(a) {\n    return $a\n}\nsend_user join([join_(1), \"\\n\"], \"\")")
        let deep = String(repeating: "if 1 {\n", count: 500) + String(repeating: "}\n", count: 500)
        XCTAssertEqual(convert(deep).notes, ["line 100: nested deeper than 100 levels: the inner levels are left out"])
    }

    func testWhatCannotBeTranslatedIsKeptAsACommentWithANote() {
        let out = convert("set x 1\nupvar 1 y z\nputs $x")
        XCTAssertEqual(out.text, """
            set x 1
            # convert: the command 'upvar' has no counterpart in amiscript
            # convert:   upvar 1 y z
            send_user "${x}\\n"
            """)
        XCTAssertEqual(out.notes, ["line 2: the command 'upvar' has no counterpart in amiscript"])
    }

    func testVariablesThatAmiscriptSetsItselfAreRenamed() {
        XCTAssertEqual(convert("set response 1\nset before x\nputs $response").text, """
            set response_ 1
            set before_ "x"
            send_user "${response_}\\n"
            """)
    }
}

private extension String {
    var trimmingTrailingNewlines: String {
        var text = self
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}
