/// `help WORD` for the language's own words: each statement's forms and what it does, in
/// brief (docs/language.md is the reference).
enum StatementHelp {
    struct Entry {
        var forms: [String]
        var text: String
    }

    static let entries: [String: Entry] = [
        "set": Entry(forms: ["set NAME EXPR", "set NAME[KEY] EXPR", "set NAME.Field EXPR"],
                     text: "Sets a variable (global at the top, local in a proc), or an entry of a map / an item of a list in it (index len appends)."),
        "unset": Entry(forms: ["unset NAME", "unset NAME[KEY]", "unset NAME.Field"], text: "Removes a variable, or an entry of a map / an item of a list."),
        "print": Entry(forms: ["print EXPR..."], text: "Prints the values separated by blanks, then a line end."),
        "send_user": Entry(forms: ["send_user EXPR"], text: "Writes the text to standard output as it is (no line end added)."),
        "send_error": Entry(forms: ["send_error EXPR"], text: "Writes the text to standard error."),
        "reconnect": Entry(forms: ["reconnect [else { ... }]"],
                           text: "The last connect again (same host, port, tls, retry), then the last login again. For an eof branch of a watcher."),
        "connect": Entry(forms: ["connect [HOST [PORT]] [tls] [retry N] [else { ... }]"],
                         text: "Opens the connection and reads the banner ($banner, $ami_version). Defaults: $AMI_HOST or 127.0.0.1, $AMI_PORT or 5038 (5039 with tls)."),
        "send": Entry(forms: ["send EXPR", "send -raw EXPR"], text: "Writes text to the server; each LF goes out as CR LF unless -raw."),
        "expect": Entry(forms: ["expect PATTERN [BLOCK]", "expect [-timeout N] { PATTERN BLOCK ... timeout BLOCK eof BLOCK }"],
                        text: "Waits until received text matches a pattern: /regex/, \"text\", event NAME|*|/regex/ [where EXPR]. Binds $0 $1 ... named groups, $before, $event. An unhandled timeout exits 124, eof 69."),
        "expect_before": Entry(forms: ["expect_before { PATTERN BLOCK ... }"], text: "Branches tried before those of every later expect."),
        "expect_after": Entry(forms: ["expect_after { PATTERN BLOCK ... }"], text: "Branches tried after those of every later expect."),
        "exp_continue": Entry(forms: ["exp_continue", "exp_continue -continue_timer"],
                              text: "Inside an expect branch: waits again with the same branches (the timer restarts; -continue_timer keeps it running)."),
        "login": Entry(forms: ["login [USER [SECRET]] [md5] [events on|off|CLASS,CLASS...] [else { ... }]"],
                       text: "Logs in (plain, or MD5 challenge). Defaults: $AMI_USERNAME, $AMI_SECRET. A refusal exits 77 unless else."),
        "action": Entry(forms: ["action NAME [Header=value ...] [else { ... }]"],
                        text: "Sends an action and waits for its response: $response (a map), $events (a list's entries). Response: Error is a runtime error unless else."),
        "command": Entry(forms: ["command EXPR [else { ... }]"], text: "Runs an Asterisk CLI command: $output is its text, old and new servers alike."),
        "close": Entry(forms: ["close"], text: "Logs off (when logged in) and closes the connection."),
        "if": Entry(forms: ["if EXPR { ... } elif EXPR { ... } else { ... }"], text: "Runs the first block whose condition is true."),
        "elif": Entry(forms: ["if EXPR { ... } elif EXPR { ... }"], text: "Another condition of an if."),
        "else": Entry(forms: ["if EXPR { ... } else { ... }", "STATEMENT ... else { ... }"], text: "The block of an if when no condition held; after connect, login, action and command: what to do when it fails."),
        "while": Entry(forms: ["while EXPR { ... }"], text: "Repeats the block while the condition is true."),
        "for": Entry(forms: ["for NAME in EXPR { ... }", "for KEY, VALUE in EXPR { ... }"],
                     text: "Walks a list, a range (1..5), a map's keys or a string's characters; with two names a map's keys and values, a list's indexes and items."),
        "break": Entry(forms: ["break"], text: "Leaves the innermost loop."),
        "continue": Entry(forms: ["continue"], text: "Goes on with the next turn of the innermost loop."),
        "proc": Entry(forms: ["proc NAME(PARAMS) { ... }"], text: "Defines a procedure, called as NAME(args) in expressions."),
        "return": Entry(forms: ["return [EXPR]"], text: "Leaves a proc with a value (nil without one)."),
        "sleep": Entry(forms: ["sleep SECONDS"], text: "Waits that many seconds (fractions allowed)."),
        "exit": Entry(forms: ["exit [CODE]"], text: "Ends the script with the code (0-255; 0 without one)."),
        "log_user": Entry(forms: ["log_user on|off"], text: "Echoes received text to standard output (off by default), secrets masked."),
        "on": Entry(forms: ["on event NAME|*|/regex/ [where EXPR] { ... }"],
                    text: "A handler: runs with $event for each matching event that arrives while the script waits (expect, action, command, login, sleep); the event is consumed. The same NAME and condition replace the handler."),
        "off": Entry(forms: ["off event NAME|*|/regex/", "off event"], text: "Removes the handlers for NAME (every handler without one)."),
        "interact": Entry(forms: ["interact"], text: "Hands the session to the terminal: this REPL on the script's variables, procs and connection. Ctrl-D or 'return' goes back to the script, 'exit N' ends it."),
        "log_file": Entry(forms: ["log_file PATH", "log_file off"], text: "Appends the whole conversation, both ways, to a file, secrets masked."),
    ]

    static func text(for word: String) -> String? {
        guard let entry = entries[word] ?? FunctionHelp.entries[word] else { return nil }
        return entry.forms.map { "  " + $0 }.joined(separator: "\n") + "\n" + entry.text + "\n"
    }
}
