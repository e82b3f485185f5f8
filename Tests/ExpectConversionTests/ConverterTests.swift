@testable import ExpectConversion
import XCTest

/// What `amiscript convert` writes for each Tcl and Expect form.
final class ConverterTests: XCTestCase {
    /// The converted body of `tcl`, without the two header lines.
    private func convert(_ tcl: String, file: StaticString = #filePath, line: UInt = #line) -> (text: String, notes: [String]) {
        do {
            let result = try ExpectConverter.convert(tcl, sourceName: "t.exp")
            let body = result.text.split(separator: "\n", omittingEmptySubsequences: false).dropFirst(2).joined(separator: "\n")
            return (body.trimmingTrailingNewlines, result.notes.map(\.description))
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
            send_user join([len($boxes), " boxes: ", join($boxes), "\\n"], "")
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
