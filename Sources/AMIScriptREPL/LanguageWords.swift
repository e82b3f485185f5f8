import AMIScriptLanguage

/// The statements and built-ins, for completion and `help`.
enum LanguageWords {
    static let statements = Parser.statementNames
    static let builtins = Builtins.orderedNames.map { $0 + "(" }
    /// Commands of the REPL itself.
    static let replCommands = ["help", "events"]
}
