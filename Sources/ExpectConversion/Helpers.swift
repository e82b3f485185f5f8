/// amiscript procs a converted script carries for Tcl commands with no built-in
/// counterpart. Each is written once, after the header, when the script needs it.
enum Helpers {
    /// Tcl's text of a list: items with blanks or Tcl's special characters in braces, an
    /// empty item as `{}` (what `puts $list` prints in Tcl).
    static let listText = ("convert_list_text", """
        proc convert_list_text(items) {
            # Tcl has only text: a variable used as a list may hold plain text too.
            if substr(json($items), 0, 1) != "[" { return str($items) }
            set words []
            for item in $items {
                set text str($item)
                if $text == "" {
                    set text "{}"
                } elif match($text, "[\\\\s{}\\"\\\\\\\\;$\\\\[\\\\]]") != nil {
                    set text join(["{", $text, "}"], "")
                }
                set words ($words + [$text])
            }
            return join($words)
        }
        """)

    /// `lsearch`: the position of the first item that matches, or -1.
    static let listSearch = ("convert_lsearch", """
        proc convert_lsearch(items, pattern, exact) {
            for at, item in $items {
                if $exact && str($item) == str($pattern) { return $at }
                if !$exact && match(str($item), $pattern) != nil { return $at }
            }
            return -1
        }
        """)

    /// `string first NEEDLE HAYSTACK START`.
    static let stringFirst = ("convert_string_first", """
        proc convert_string_first(needle, haystack, start) {
            if $start < 0 { set start 0 }
            set at index(substr($haystack, $start), $needle)
            if $at < 0 { return -1 }
            return $at + $start
        }
        """)

    /// Text quoted for /bin/sh (exec with a pipe or a here-string).
    static let shellQuote = ("convert_shell_quote", """
        proc convert_shell_quote(text) {
            return join(["'", replace(str($text), "'", "'\\\\''"), "'"], "")
        }
        """)
}
