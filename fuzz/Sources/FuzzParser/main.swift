import AMIScriptLanguage
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// libFuzzer's entry: the input is a script's bytes. It goes through what `amiscript
/// --check` does — `SourceFile.decoding` (UTF-8 or an error), parse, render every
/// diagnostic with its source line and caret, and, when it parses, the static checks,
/// rendered too — and through the REPL's two parses. A crash, a trap (overflow, index
/// out of range, force-unwrap), an ASan report, a leak or a hang is the finding, and so is
/// a diagnostic on a line or column the source does not have; the messages themselves
/// are not judged.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzParser(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    var sink = 0
    var phases = Phases()
    // As the command line reads a script file: UTF-8 (a BOM dropped) or an error. Text
    // that is not UTF-8 goes on as the REPL would see it, with U+FFFD in it.
    let source: SourceFile
    switch SourceFile.decoding(name: "fuzz.ami", bytes: bytes) {
    case .success(let decoded):
        source = decoded
    case .failure(let diagnostic):
        sink &+= diagnostic.description.utf8.count
        source = SourceFile(name: "fuzz.ami", text: String(decoding: bytes, as: UTF8.self))
    }
    let text = source.text

    phases.done("decode")
    let (script, diagnostics) = Parser.parse(source)
    phases.done("Parser.parse: \(diagnostics.count) diagnostics")
    if Phases.verbose {
        for diagnostic in diagnostics.prefix(10) { fputs("  \(diagnostic)\n", stderr) }
    }
    for diagnostic in diagnostics { sink &+= diagnostic.rendered(in: source).utf8.count }
    phases.done("rendered")
    var findings: [Diagnostic] = []
    if diagnostics.isEmpty {
        findings = StaticChecks.check(script.statements)
        for finding in findings { sink &+= finding.rendered(in: source).utf8.count }
        // The REPL checks a line against what earlier lines defined.
        let context = StaticChecks.Context(variables: ["x", "response", "event"], procs: ["f": 1])
        sink &+= StaticChecks.check(script.statements, context: context).count
        phases.done("StaticChecks.check: \(findings.count) findings, rendered")
    }

    // The REPL's readings of the same text: typed input (incomplete or not), and the
    // action shorthand (`MailboxCount Mailbox=123@default`).
    let interactive = Parser.parseInteractive(source, actionShorthand: count % 2 == 1)
    for diagnostic in interactive.diagnostics { sink &+= diagnostic.rendered(in: source).utf8.count }
    phases.done("Parser.parseInteractive: \(interactive.diagnostics.count) diagnostics, rendered")
    let shorthand = Parser.parseActionShorthand(source)
    for diagnostic in shorthand.diagnostics { sink &+= diagnostic.rendered(in: source).utf8.count }
    phases.done("Parser.parseActionShorthand: \(shorthand.diagnostics.count) diagnostics, rendered")

    // Every location a diagnostic gives is in the source: a line it has (lines end at
    // any Character that isNewline, as SourceFile counts them), a column at most one
    // past the line's last character (the caret under the end of the line).
    let lineCount = 1 + text.reduce(0) { $0 + ($1.isNewline ? 1 : 0) }
    var lengths: [Int: Int] = [:]
    for diagnostic in diagnostics + findings + interactive.diagnostics + shorthand.diagnostics {
        let location = diagnostic.location
        guard location.line >= 1, location.line <= lineCount else {
            fatalError("diagnostic on a line the source does not have: \(location) (\(lineCount) lines): \(diagnostic.message)")
        }
        let length = lengths[location.line] ?? source.line(location.line).count
        lengths[location.line] = length
        guard location.column >= 1, location.column <= length + 1 else {
            fatalError("diagnostic column outside its line: \(location) (line of \(length) characters): \(diagnostic.message)")
        }
    }
    phases.done("locations checked")
    blackHole(sink)
    return 0
}

/// With FUZZ_VERBOSE set (reproducing a finding by hand), how long each step took.
struct Phases {
    static let verbose = getenv("FUZZ_VERBOSE") != nil
    var last = Phases.now()

    static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    mutating func done(_ step: String) {
        guard Self.verbose else { return }
        let time = Self.now()
        fputs("fuzz: \(step) (\(Int((time - last) * 1000)) ms)\n", stderr)
        last = time
    }
}

/// Keeps the rendering from being optimized away.
@inline(never)
func blackHole(_ value: Int) {
    if value == Int.min { print(value) }
}
