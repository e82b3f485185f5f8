import AMIScriptLanguage

/// `help NAME` for the built-in functions: how each is called and what it gives, in brief
/// (docs/language.md is the reference). The argument counts are Builtins.signatures'.
enum FunctionHelp {
    static let entries: [String: StatementHelp.Entry] = {
        let texts: [String: (forms: [String], text: String)] = [
            "len": (["len(x)"], "Characters of a string, items of a list, entries of a map."),
            "int": (["int(x)"], "The number, truncated toward zero."),
            "num": (["num(x)"], "The number; an error if it is not one."),
            "str": (["str(x)"], "The text of any value."),
            "upper": (["upper(s)"], "The text in capitals."),
            "lower": (["lower(s)"], "The text in small letters."),
            "trim": (["trim(s)"], "The text without blanks and line ends at either end."),
            "split": (["split(s)", "split(s, sep)"], "A list of the words / of the parts between sep."),
            "join": (["join(list)", "join(list, sep)"], "The items as text with a blank / sep between them."),
            "contains": (["contains(s, part)", "contains(list, x)", "contains(map, key)"], "true or false."),
            "replace": (["replace(s, old, new)"], "Every old replaced by new."),
            "substr": (["substr(s, start)", "substr(s, start, length)"], "Characters from start (0-based; negative counts from the end)."),
            "index": (["index(s, part)"], "The position of the first part in s, or -1."),
            "format": (["format(fmt, args...)"], "printf-style: %s %d %i %f %.Nf %x %o %e %%, width, - (left), 0 (zero pad)."),
            "match": (["match(s, /regex/)", "match(s, \"regex\")"], "A list [whole match, group 1, ...] or nil; binds nothing."),
            "sub": (["sub(s, /regex/, 'repl')"], "s with the first match replaced; \\0..\\9 in repl are the match and its groups."),
            "gsub": (["gsub(s, /regex/, 'repl')"], "s with every match replaced; \\0..\\9 in repl are the match and its groups."),
            "keys": (["keys(map)"], "The keys, in order."),
            "values": (["values(map)"], "The values, in order."),
            "get": (["get(map, key)", "get(map, key, default)"], "The entry, or nil / default when there is none."),
            "sort": (["sort(list)", "sort(list, \"desc text\")"], "A sorted copy: numbers numerically, then the rest by text; desc reverses, text compares all as text."),
            "reverse": (["reverse(list)"], "The items in reverse order."),
            "slice": (["slice(list, start)", "slice(list, start, end)"], "The items from start up to end (exclusive)."),
            "env": (["env(NAME)", "env(NAME, default)"], "An environment variable; nil / default when unset."),
            "now": (["now()"], "Seconds since 1970, with microseconds."),
            "strftime": (["strftime(format)", "strftime(format, seconds)"], "Local time (TZ applies) formatted as C's strftime; seconds default to now()."),
            "md5": (["md5(text)"], "The MD5 digest in hex."),
            "urldecode": (["urldecode(text)"], "%HH decoded."),
            "secret": (["secret()", "secret(prompt)"], "A line read from the terminal without echo."),
            "json": (["json(value)"], "The value as compact JSON on one line."),
            "parse_json": (["parse_json(text)"], "JSON text into maps, lists, numbers, strings, nil."),
            "read_file": (["read_file(path)"], "The file's text; a missing file is an error naming the path and the reason."),
            "read_lines": (["read_lines(path)"], "The file's lines without line ends."),
            "secret_file": (["secret_file(path)"], "The first line of a file only its owner may read (else exit 77: chmod 600 it)."),
            "write_file": (["write_file(path, text)"], "Writes the text (a new file gets mode 0600)."),
            "append_file": (["append_file(path, text)"], "Appends the text (a new file gets mode 0600)."),
            "exec": (["exec(program, args...)"], "Runs a program directly (no shell): {status, stdout, stderr}; killed at the script's timeout (status 124)."),
            "sh": (["sh(command)"], "The same as exec, through /bin/sh -c."),
        ]
        var entries: [String: StatementHelp.Entry] = [:]
        for name in Builtins.orderedNames {
            // A built-in added without help still answers, with its argument count.
            let known = texts[name] ?? (["\(name)(...)"], "A built-in function.")
            entries[name] = StatementHelp.Entry(forms: known.forms, text: known.text)
            entries[name + "()"] = entries[name]
        }
        return entries
    }()
}
