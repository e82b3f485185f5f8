import AMIScriptLanguage
import ExpectConversion
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// libFuzzer's entry: the input is an Expect script. `amiscript convert` reads it (Tcl's
/// rules) and writes amiscript. A crash, a trap, an ASan report, a leak or a hang is the
/// finding, and so is a result that amiscript refuses: the converted text must parse and
/// pass the static checks' errors, as the command line checks it (exit 70 otherwise).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConvert(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    guard let result = try? ExpectConverter.convert(text, sourceName: "fuzz.exp") else { return 0 }
    let source = SourceFile(name: "converted.ami", text: result.text)
    let (script, diagnostics) = Parser.parse(source)
    let errors = diagnostics + (diagnostics.isEmpty ? StaticChecks.check(script.statements).filter { $0.severity == .error } : [])
    if let first = errors.first {
        fatalError("""
            the converted script does not pass --check:
            \(first.rendered(in: source))
            --- converted:
            \(result.text)
            """)
    }
    return 0
}
