/// What the command line asks a run for: the options of `AMIScriptCommand` as plain values,
/// so that a run does not depend on how its command line was read.
struct RunOptions {
    var code: String?
    var check = false
    var strict = false
    var trace = false
    var timeout: Double = 10
    var sim = false
    var interactive = false
    var json = false
    var record: String?
    var scriptAndArguments: [String] = []

    /// The command lines cron jobs, Nagios checks and `#!` scripts use, read without
    /// swift-argument-parser: `amiscript SCRIPT [ARGS...]` and `amiscript -e CODE [ARGS...]`
    /// where the first argument after CODE does not begin with a dash. Its reflection-based
    /// parsing is a third of the start-up of a script that does nothing (docs/performance.md).
    /// nil: anything else (an option, `--`, `-`, no argument at all, `convert`), for
    /// the full parser. Each accepted form means what the full parser makes of it: options
    /// end at the script, whose arguments are passed through whatever they look like.
    static func simpleCommandLine(_ arguments: [String]) -> RunOptions? {
        guard let first = arguments.first else { return nil }
        if first == "-e" {
            guard arguments.count >= 2 else { return nil }
            let rest = Array(arguments.dropFirst(2))
            if let next = rest.first, next.hasPrefix("-") { return nil }
            return RunOptions(code: arguments[1], scriptAndArguments: rest)
        }
        guard !first.hasPrefix("-"), first != "convert" else { return nil }
        return RunOptions(scriptAndArguments: arguments)
    }
}
