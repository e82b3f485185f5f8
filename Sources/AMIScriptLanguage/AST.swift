/// The syntax tree. Every node carries where it starts, for error messages.
public indirect enum Expression: Sendable {
    case literal(Value, SourceLocation)
    case string(StringLiteral, SourceLocation)
    case regex(RegexLiteral, SourceLocation)
    case variable(VariablePath, SourceLocation)
    case list([Expression], SourceLocation)
    case unary(String, Expression, SourceLocation)
    case binary(String, Expression, Expression, SourceLocation)
    case field(Expression, String, SourceLocation)
    case index(Expression, Expression, SourceLocation)
    case call(String, [Expression], SourceLocation)
    /// `{Key: value, "Other-Key": value}`: keys in order, as written.
    case map([MapEntry], SourceLocation)

    public var location: SourceLocation {
        switch self {
        case .literal(_, let l), .string(_, let l), .regex(_, let l), .variable(_, let l), .list(_, let l),
             .unary(_, _, let l), .binary(_, _, _, let l), .field(_, _, let l), .index(_, _, let l),
             .call(_, _, let l), .map(_, let l):
            return l
        }
    }
}

public struct MapEntry: Sendable {
    public var key: String
    public var value: Expression
}

/// One step into a variable's value on the left of `set` or `unset`: `.Field` or `[KEY]`.
public enum PathStep: Sendable {
    case field(String, SourceLocation)
    case index(Expression, SourceLocation)

    public var location: SourceLocation {
        switch self {
        case .field(_, let l), .index(_, let l): return l
        }
    }
}

/// One branch of an `expect`.
public struct ExpectBranch: Sendable {
    public enum Pattern: Sendable {
        case regex(RegexLiteral)
        /// Exact text anywhere (a string expression).
        case text(Expression)
        case event(EventMatcher, condition: Expression?)
        case timeout
        case eof
        /// Timeout or eof.
        case defaultCase
    }
    public var pattern: Pattern
    public var body: [Statement]?
    public var location: SourceLocation
}

/// Which events `expect event`, `on event` and `off event` mean: by name (any case), any
/// event (`*`), or names matching a regex (`/^Queue/`).
public enum EventMatcher: Sendable, Hashable {
    case name(String)
    case any
    case regex(RegexLiteral)

    public var display: String {
        switch self {
        case .name(let name): return name
        case .any: return "*"
        case .regex(let literal): return literal.display
        }
    }
}

/// `where EXPR` of an event branch or handler, and its source text (two handlers with the
/// same name and condition text are the same handler).
public struct EventCondition: Sendable {
    public var expression: Expression
    public var text: String
}

public struct ActionHeader: Sendable {
    public var name: String
    public var value: Expression
}

public indirect enum Statement: Sendable {
    /// `set NAME VALUE`, or into the value: `set NAME[KEY] VALUE`, `set NAME.Field VALUE`.
    case set(name: String, path: [PathStep], value: Expression, SourceLocation)
    /// `unset NAME`, `unset NAME[KEY]`.
    case unset(name: String, path: [PathStep], SourceLocation)
    case print([Expression], SourceLocation)
    case sendUser(Expression, SourceLocation)
    case sendError(Expression, SourceLocation)
    /// `connect [HOST [PORT]] [tls] [retry N] [else BLOCK]`.
    case connect(host: Expression?, port: Expression?, tls: Bool, retry: Expression?, orElse: [Statement]?, SourceLocation)
    /// `reconnect [else BLOCK]`: the last connect again, then the last login again.
    case reconnect(orElse: [Statement]?, SourceLocation)
    case send(Expression, raw: Bool, SourceLocation)
    case expect(timeout: Expression?, branches: [ExpectBranch], SourceLocation)
    case expectBefore([ExpectBranch], SourceLocation)
    case expectAfter([ExpectBranch], SourceLocation)
    /// `exp_continue`, or `exp_continue -continue_timer` (keeps the expect's deadline).
    case expContinue(continueTimer: Bool, SourceLocation)
    case login(user: Expression?, secret: Expression?, md5: Bool, events: String?, orElse: [Statement]?, SourceLocation)
    case action(name: Expression, headers: [ActionHeader], orElse: [Statement]?, SourceLocation)
    case command(Expression, orElse: [Statement]?, SourceLocation)
    case close(SourceLocation)
    case ifChain([(condition: Expression, body: [Statement])], orElse: [Statement]?, SourceLocation)
    case whileLoop(Expression, [Statement], SourceLocation)
    /// `for v in ...`, or `for k, v in ...` (`key`: a map's key, a list's index).
    case forLoop(key: String?, name: String, sequence: Expression, body: [Statement], SourceLocation)
    case breakLoop(SourceLocation)
    case continueLoop(SourceLocation)
    case proc(name: String, parameters: [String], body: [Statement], SourceLocation)
    case returnValue(Expression?, SourceLocation)
    case sleep(Expression, SourceLocation)
    case exit(Expression?, SourceLocation)
    case logUser(Bool, SourceLocation)
    case logFile(Expression?, SourceLocation)
    case expression(Expression, SourceLocation)
    /// `on event NAME [where EXPR] { ... }`: a handler for events that arrive while waiting.
    case onEvent(EventMatcher, condition: EventCondition?, body: [Statement], SourceLocation)
    /// `off event [NAME]`: removes the handlers for NAME (all without a name).
    case offEvent(EventMatcher?, SourceLocation)
    /// `interact`: the REPL on the script's state until Ctrl-D or `return`.
    case interact(SourceLocation)

    public var location: SourceLocation {
        switch self {
        case .set(_, _, _, let l), .unset(_, _, let l), .print(_, let l), .sendUser(_, let l), .sendError(_, let l),
             .connect(_, _, _, _, _, let l), .reconnect(_, let l), .send(_, _, let l), .expect(_, _, let l), .expectBefore(_, let l),
             .expectAfter(_, let l), .expContinue(_, let l), .login(_, _, _, _, _, let l), .action(_, _, _, let l),
             .command(_, _, let l), .close(let l), .ifChain(_, _, let l), .whileLoop(_, _, let l),
             .forLoop(_, _, _, _, let l), .breakLoop(let l), .continueLoop(let l), .proc(_, _, _, let l),
             .returnValue(_, let l), .sleep(_, let l), .exit(_, let l), .logUser(_, let l), .logFile(_, let l),
             .expression(_, let l), .onEvent(_, _, _, let l), .offEvent(_, let l), .interact(let l):
            return l
        }
    }
}

/// A parsed script.
public struct Script: Sendable {
    public var source: SourceFile
    public var statements: [Statement]
}
