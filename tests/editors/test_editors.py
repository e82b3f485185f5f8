"""Editor support: the vim syntax/ftdetect files and the TextMate grammar (editors/).

Run: python3 -m pytest tests/editors -q (standard library + pytest; the vim tests need
vim, which the project's setup scripts install: apt-get install vim).

The vim tests start vim headless in Ex mode with only editors/vim on its runtimepath,
let it write what it saw (filetype, syntax group names at chosen positions, errors) to a
file with writefile(), and assert on that file here, so a failure names the position,
the text there and the group vim gave it.
"""
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VIM_RUNTIME = ROOT / "editors" / "vim"
GRAMMAR = ROOT / "editors" / "textmate" / "amiscript.tmLanguage.json"

# A script with every category in it. The probes below point into it by text.
SAMPLE = r"""#!/usr/bin/env amiscript
# sample: one of everything
set box $argv[0]
set timeout 5
connect 127.0.0.1 5038 else { exit 1 }
login admin secret5 events off
action MailboxCount Mailbox=$box
print "New: ${response.NewMessages} in $box\n" 'raw $x' "# not a comment"
expect /Manager/
expect -timeout 5 {
    /NewMessages:\s*(\d+)/ { print $1; exp_continue }
    timeout { exit 124 }
}
if $box =~ /^\d+@default$/i { print len($box) 2.5 10 / 2 }
proc count(b) { return $b }
print "a\qb"
"""

# (what, line number, text on that line, offset into that text, expected syntax group, the
# highlight group it links to)
VIM_PROBES = [
    ("shebang comment", 1, "#!/usr/bin", 2, "amiscriptComment", "Comment"),
    ("comment", 2, "# sample", 2, "amiscriptComment", "Comment"),
    ("keyword set", 3, "set box", 0, "amiscriptDeclKeyword", "Statement"),
    ("name after set", 3, "box $argv", 0, "amiscriptDeclName", "Identifier"),
    ("special variable $argv", 3, "$argv", 1, "amiscriptSpecialVariable", "Special"),
    ("index number", 3, "[0]", 1, "amiscriptNumber", "Number"),
    ("'timeout' as a set name", 4, "timeout", 0, "amiscriptDeclName", "Identifier"),
    ("number", 4, "5", 0, "amiscriptNumber", "Number"),
    ("keyword connect", 5, "connect", 0, "amiscriptStatement", "Statement"),
    ("bare word 127.0.0.1 is no number", 5, "127.0.0.1", 8, "", ""),
    ("port number", 5, "5038", 0, "amiscriptNumber", "Number"),
    ("else", 5, "else", 0, "amiscriptConditional", "Conditional"),
    ("login modifier", 6, "events", 0, "amiscriptKeyword", "Keyword"),
    ("keyword action", 7, "action", 0, "amiscriptStatement", "Statement"),
    ("action name", 7, "MailboxCount", 3, "amiscriptActionName", "Type"),
    ("header name", 7, "Mailbox=", 0, "amiscriptHeaderName", "Type"),
    ("variable outside a string", 7, "$box", 1, "amiscriptVariable", "Identifier"),
    ("string text", 8, "New:", 0, "amiscriptString", "String"),
    ("interpolated ${...}", 8, "${response", 3, "amiscriptInterpolation", "Identifier"),
    ("interpolated $var", 8, "$box\\n", 1, "amiscriptInterpolation", "Identifier"),
    ("escape", 8, "\\n\"", 1, "amiscriptEscape", "SpecialChar"),
    ("single-quoted string", 8, "'raw", 1, "amiscriptSingleString", "String"),
    ("no interpolation in 'single'", 8, "$x'", 1, "amiscriptSingleString", "String"),
    ("'#' in a string", 8, "# not", 2, "amiscriptString", "String"),
    ("regex after expect", 9, "/Manager/", 3, "amiscriptRegex", "String"),
    ("option -timeout", 10, "-timeout", 1, "amiscriptOption", "Special"),
    ("regex as expect branch", 11, "/NewMessages", 4, "amiscriptRegex", "String"),
    ("regex escape", 11, "\\s*", 1, "amiscriptRegexEscape", "SpecialChar"),
    ("capture $1", 11, "$1", 1, "amiscriptSpecialVariable", "Special"),
    ("exp_continue", 11, "exp_continue", 0, "amiscriptStatement", "Statement"),
    ("timeout branch", 12, "timeout", 0, "amiscriptLabel", "Label"),
    ("keyword if", 14, "if", 0, "amiscriptConditional", "Conditional"),
    ("operator =~", 14, "=~", 0, "amiscriptOperator", "Operator"),
    ("regex after =~", 14, "/^\\d", 1, "amiscriptRegex", "String"),
    ("regex flags", 14, "$/i", 2, "amiscriptRegex", "String"),
    ("built-in function", 14, "len(", 0, "amiscriptBuiltin", "Function"),
    ("decimal number", 14, "2.5", 2, "amiscriptNumber", "Number"),
    ("division is no regex", 14, "/ 2", 0, "amiscriptOperator", "Operator"),
    ("proc name", 15, "count", 0, "amiscriptProcName", "Function"),
    ("keyword return", 15, "return", 0, "amiscriptStatement", "Statement"),
    ("unknown escape is an error", 16, "\\q", 0, "amiscriptEscapeError", "Error"),
]


def vim_binary():
    vim = shutil.which("vim")
    if vim is None:
        pytest.fail("vim is not installed; the editor tests need it: apt-get install vim "
                    "(the project's setup scripts install it)")
    return vim


def vim_string(text):
    """A single-quoted Vim string literal."""
    return "'" + str(text).replace("'", "''") + "'"


def run_vim(tmp_path, body):
    """Runs BODY (Vim script lines) in headless Ex mode with editors/vim on the
    runtimepath; returns the lines BODY added to g:out. Any error or exception fails."""
    out = tmp_path / "vim-out.txt"
    script = tmp_path / "probe.vim"
    lines = [
        "set rtp^=" + str(VIM_RUNTIME).replace(" ", "\\ "),
        "filetype on",
        "syntax on",
        "let g:out = []",
        "let v:errmsg = ''",
        "try",
        *("  " + line for line in body),
        "  call add(g:out, 'errmsg=' . v:errmsg)",
        "catch",
        "  call add(g:out, 'exception=' . v:exception . ' at ' . v:throwpoint)",
        "  call writefile(g:out, %s)" % vim_string(out),
        "  cquit",
        "endtry",
        "call writefile(g:out, %s)" % vim_string(out),
        "qall!",
    ]
    script.write_text("\n".join(lines) + "\n")
    proc = subprocess.run([vim_binary(), "-u", "NONE", "-N", "-i", "NONE", "-Es", "-S", str(script)],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    result = out.read_text().splitlines() if out.exists() else []
    assert proc.returncode == 0 and out.exists(), (
        "vim failed (exit %d)\nits output: %r\nstderr: %r\nstdout: %r"
        % (proc.returncode, result, proc.stderr, proc.stdout))
    assert not any(line.startswith("exception=") for line in result), result
    assert "errmsg=" in result, "vim reported an error: %r" % [l for l in result if l.startswith("errmsg=")]
    return result


def values(result, prefix):
    return [line[len(prefix):] for line in result if line.startswith(prefix)]


# MARK: vim

def test_vim_detects_ami_files_and_amiscript_shebangs(tmp_path):
    (tmp_path / "x.ami").write_text('print "hi"\n')
    (tmp_path / "monitor").write_text("#!/usr/bin/env amiscript\nconnect\n")
    (tmp_path / "direct").write_text("#!/usr/local/bin/amiscript --timeout 5\nconnect\n")
    (tmp_path / "shell").write_text("#!/bin/sh\necho amiscript\n")
    body = []
    for name in ["x.ami", "monitor", "direct", "shell"]:
        if name == "shell":
            # Errors from Vim's own sh syntax (some Vim builds report E184 without a
            # vimrc) are not ours: take the amiscript files' errors before it.
            body.append("call add(g:out, 'errors before the shell script=' . v:errmsg)")
        body += [
            "execute 'edit ' . fnameescape(%s)" % vim_string(tmp_path / name),
            "call add(g:out, %s . '=' . &filetype . '/' . get(b:, 'current_syntax', ''))" % vim_string(name),
        ]
    body.append("let v:errmsg = ''")
    result = run_vim(tmp_path, body)
    assert "errors before the shell script=" in result, result
    assert "x.ami=amiscript/amiscript" in result, result
    assert "monitor=amiscript/amiscript" in result, result
    assert "direct=amiscript/amiscript" in result, result
    assert not any(line.startswith("shell=amiscript") for line in result), result


def test_vim_highlights_each_category(tmp_path):
    sample = tmp_path / "sample.ami"
    sample.write_text(SAMPLE)
    source_lines = SAMPLE.splitlines()
    body = ["function! Probe(line, column) abort",
            "  let name = synIDattr(synID(a:line, a:column, 1), 'name')",
            "  let link = name ==# '' ? '' : matchstr(execute('highlight ' . name), 'links to \\zs\\S\\+')",
            "  return name . '/' . link",
            "endfunction",
            "execute 'edit ' . fnameescape(%s)" % vim_string(sample),
            "call add(g:out, 'filetype=' . &filetype)",
            "call add(g:out, 'syntax=' . get(b:, 'current_syntax', ''))"]
    positions = {}
    for what, line, text, offset, _, _ in VIM_PROBES:
        source = source_lines[line - 1]
        assert text in source, "probe %r: %r is not on line %d: %r" % (what, text, line, source)
        # synID() wants a byte column, 1-based.
        column = len(source[:source.index(text) + offset].encode()) + 1
        positions[what] = (line, column, source[source.index(text) + offset])
        body.append("call add(g:out, 'probe:' . %s . \"\\t\" . Probe(%d, %d))" % (vim_string(what), line, column))
    result = run_vim(tmp_path, body)
    assert "filetype=amiscript" in result, result
    assert "syntax=amiscript" in result, result
    seen = dict(item.split("\t", 1) for item in values(result, "probe:"))
    failures = []
    for what, line, _, _, group, linked in VIM_PROBES:
        got = seen.get(what)
        want = group + "/" + linked
        if got != want:
            at_line, column, character = positions[what]
            failures.append("%s: line %d column %d (%r) is %r, wanted %r"
                            % (what, at_line, column, character, got, want))
    assert not failures, "\n".join(failures)


def repository_scripts():
    scripts = sorted(ROOT.glob("examples/*.ami")) + sorted(ROOT.glob("tests/scripts/**/*.ami"))
    assert scripts, "no .ami scripts found under examples/ and tests/scripts/"
    return scripts


def test_vim_loads_every_repository_script_without_errors(tmp_path):
    """Every example and test script: filetype amiscript, no Vim error, and in the scripts
    that parse (all but tests/scripts/malformed) nothing highlighted as Error."""
    scripts = repository_scripts()
    listing = tmp_path / "scripts.txt"
    listing.write_text("\n".join(str(path) for path in scripts) + "\n")
    body = [
        "set hidden",
        "for s:file in readfile(%s)" % vim_string(listing),
        "  execute 'edit ' . fnameescape(s:file)",
        "  call add(g:out, 'ft:' . s:file . '=' . &filetype)",
        "  if s:file !~# '/malformed/'",
        "    for s:l in range(1, line('$'))",
        "      for s:c in range(1, len(getline(s:l)))",
        "        if synIDattr(synIDtrans(synID(s:l, s:c, 1)), 'name') ==# 'Error'",
        "          call add(g:out, 'error-group:' . s:file . ':' . s:l . ':' . s:c . ': ' . getline(s:l))",
        "        endif",
        "      endfor",
        "    endfor",
        "  endif",
        "  bwipeout!",
        "endfor",
    ]
    result = run_vim(tmp_path, body)
    filetypes = dict(item.rsplit("=", 1) for item in values(result, "ft:"))
    assert len(filetypes) == len(scripts), result
    wrong = {path: ft for path, ft in filetypes.items() if ft != "amiscript"}
    assert not wrong, "not detected as amiscript: %r" % wrong
    assert not values(result, "error-group:"), "\n".join(values(result, "error-group:"))


# MARK: TextMate

REQUIRED_SCOPES = [
    "keyword.control.amiscript",
    "support.function.builtin.amiscript",
    "string.quoted.double.amiscript",
    "string.quoted.single.amiscript",
    "meta.interpolation.amiscript",
    "variable.other.amiscript",
    "variable.language.amiscript",
    "string.regexp.amiscript",
    "comment.line.number-sign.amiscript",
    "constant.numeric.amiscript",
    "constant.character.escape.amiscript",
    "keyword.operator.amiscript",
]


@pytest.fixture(scope="module")
def grammar():
    with open(GRAMMAR, encoding="utf-8") as f:
        return json.load(f)


def walk(node):
    """Every dict in the grammar, depth first."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from walk(item)


def test_textmate_grammar_header(grammar):
    assert grammar["scopeName"] == "source.amiscript"
    assert "ami" in grammar["fileTypes"]
    assert grammar["name"]
    first_line = re.compile(grammar["firstLineMatch"])
    assert first_line.search("#!/usr/bin/env amiscript")
    assert first_line.search("#!/usr/local/bin/amiscript --timeout 5")
    assert not first_line.search("#!/bin/sh")


def test_textmate_regexes_compile(grammar):
    bad = []
    count = 0
    for node in walk(grammar):
        for key in ("match", "begin", "end", "while", "firstLineMatch"):
            if isinstance(node.get(key), str):
                count += 1
                try:
                    re.compile(node[key])
                except re.error as error:
                    bad.append("%s %r: %s" % (key, node[key], error))
    assert count > 20, "only %d regexes found" % count
    assert not bad, "\n".join(bad)


def grammar_regexes(grammar):
    return [node[key] for node in walk(grammar) for key in ("match", "begin", "end", "while", "firstLineMatch")
            if isinstance(node.get(key), str)]


def test_textmate_regexes_compile_with_oniguruma(grammar):
    """The engine VS Code uses is Oniguruma; jq is built on it, so when jq is around it
    compiles every regex too (Python's re above is the check that always runs)."""
    jq = shutil.which("jq")
    if jq is None:
        pytest.skip("jq (Oniguruma) not installed; Python's re check still ran")
    regexes = grammar_regexes(grammar)
    proc = subprocess.run([jq, "-n", "-r", "--argjson", "res", json.dumps(regexes),
                           '$res[] | . as $r | try ("" | test($r) | "ok") catch ("BAD " + $r + ": " + .)'],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    results = proc.stdout.splitlines()
    assert len(results) == len(regexes), proc.stdout
    bad = [line for line in results if line != "ok"]
    assert not bad, "\n".join(bad)


def test_textmate_includes_resolve(grammar):
    repository = grammar.get("repository", {})
    missing = [node["include"] for node in walk(grammar)
               if "include" in node and node["include"] not in ("$self", "$base")
               and node["include"][1:] not in repository]
    assert not missing, missing


def test_textmate_names_every_category(grammar):
    scopes = set()
    for node in walk(grammar):
        for key in ("name", "contentName"):
            if isinstance(node.get(key), str):
                scopes.update(node[key].split())
    missing = [scope for scope in REQUIRED_SCOPES if scope not in scopes]
    assert not missing, "scopes not in the grammar: %r" % missing


# A small TextMate-style tokenizer: at each position the rule whose match starts first
# wins, ties go to the rule listed first; begin/end rules run their inner patterns until
# their end matches. Enough to check what the grammar's rules do to one line.

def flatten(grammar, patterns):
    for rule in patterns:
        if "include" in rule:
            target = grammar["repository"][rule["include"][1:]]
            if "match" in target or "begin" in target:
                yield target
            else:
                yield from flatten(grammar, target.get("patterns", []))
        elif "match" in rule or "begin" in rule:
            yield rule
        else:
            yield from flatten(grammar, rule.get("patterns", []))


def first_match(rules, line, pos):
    best = None
    for rule in rules:
        m = re.compile(rule.get("match") or rule["begin"]).search(line, pos)
        if m and (best is None or m.start() < best[1].start()):
            best = (rule, m)
    return best


def emit_captures(grammar, captures, m, tokens):
    for key, capture in sorted((captures or {}).items(), key=lambda item: int(item[0])):
        text = m.group(int(key))
        if not text:
            continue
        if "name" in capture:
            tokens.append((text, capture["name"]))
        if "patterns" in capture:
            tokens.extend(tokenize(grammar, text, capture["patterns"]))


def tokenize(grammar, line, patterns=None):
    rules = list(flatten(grammar, grammar["patterns"] if patterns is None else patterns))
    tokens = []
    pos = 0
    while pos < len(line):
        found = first_match(rules, line, pos)
        if found is None:
            break
        rule, m = found
        if "match" in rule:
            if "name" in rule:
                tokens.append((m.group(0), rule["name"]))
            emit_captures(grammar, rule.get("captures"), m, tokens)
            pos = max(m.end(), m.start() + 1)
            continue
        emit_captures(grammar, rule.get("beginCaptures") or rule.get("captures"), m, tokens)
        inner_rules = list(flatten(grammar, rule.get("patterns", [])))
        end_rx = re.compile(rule["end"])
        inner_pos = m.end()
        inner_tokens = []
        while True:
            end = end_rx.search(line, inner_pos)
            inner = first_match(inner_rules, line, inner_pos) if inner_rules else None
            if inner and (end is None or inner[1].start() < end.start()):
                inner_rule, im = inner
                if "name" in inner_rule:
                    inner_tokens.append((im.group(0), inner_rule["name"]))
                emit_captures(grammar, inner_rule.get("captures"), im, inner_tokens)
                inner_pos = max(im.end(), im.start() + 1)
                continue
            break
        stop = end.end() if end else len(line)
        if end:
            emit_captures(grammar, rule.get("endCaptures") or rule.get("captures"), end, inner_tokens)
        tokens.append((line[m.start():stop], rule["name"]))
        tokens.extend(inner_tokens)
        pos = max(stop, m.start() + 1)
    return tokens


TEXTMATE_CASES = [
    # (line, tokens it must have, scopes it must not have)
    ("#!/usr/bin/env amiscript", [("#!/usr/bin/env amiscript", "comment.line.number-sign.amiscript")], []),
    ("connect else { exit 1 }  # no server",
     [("connect", "keyword.control.amiscript"), ("exit", "keyword.control.amiscript"),
      ("1", "constant.numeric.amiscript"), ("# no server", "comment.line.number-sign.amiscript")], []),
    ("expect /Response:\\s*Success/",
     [("expect", "keyword.control.amiscript"), ("/Response:\\s*Success/", "string.regexp.amiscript"),
      ("\\s", "constant.character.escape.amiscript")], []),
    ("expect -timeout 10 /Event: (\\w+)/i",
     [("expect", "keyword.control.amiscript"), ("-timeout", "variable.parameter.option.amiscript"),
      ("10", "constant.numeric.amiscript"), ("/Event: (\\w+)/i", "string.regexp.amiscript")], []),
    ("    /NewMessages:\\s*(\\d+)/ { print $1; exp_continue }",
     [("/NewMessages:\\s*(\\d+)/", "string.regexp.amiscript"), ("print", "keyword.control.amiscript"),
      ("$1", "variable.language.amiscript"), ("exp_continue", "keyword.control.amiscript")], []),
    ("if $line =~ /^${word}$/ { print len($line) 2.5 }",
     [("if", "keyword.control.amiscript"), ("$line", "variable.other.amiscript"),
      ("/^${word}$/", "string.regexp.amiscript"), ("word", "variable.other.amiscript"),
      ("len", "support.function.builtin.amiscript"), ("2.5", "constant.numeric.amiscript")], []),
    ('print "New: ${response.NewMessages} in $box\\n" \'raw $x\' "# not a comment"',
     [("print", "keyword.control.amiscript"),
      ('"New: ${response.NewMessages} in $box\\n"', "string.quoted.double.amiscript"),
      ("${response.NewMessages}", "meta.interpolation.amiscript"), ("$box", "variable.other.amiscript"),
      ("\\n", "constant.character.escape.amiscript"), ("'raw $x'", "string.quoted.single.amiscript"),
      ('"# not a comment"', "string.quoted.double.amiscript")],
     ["comment.line.number-sign.amiscript"]),
    ("set timeout 5", [("set", "keyword.control.amiscript"), ("timeout", "variable.other.amiscript"),
                       ("5", "constant.numeric.amiscript")], []),
    ("print 10 / 2", [("10", "constant.numeric.amiscript"), ("/", "keyword.operator.amiscript")],
     ["string.regexp.amiscript"]),
    ("connect 127.0.0.1 5038", [("5038", "constant.numeric.amiscript")], []),
    ("action MailboxCount Mailbox=$argv[0]",
     [("action", "keyword.control.amiscript"), ("MailboxCount", "entity.name.type.action.amiscript"),
      ("Mailbox", "entity.other.attribute-name.header.amiscript"), ("$argv", "variable.language.amiscript")], []),
]


@pytest.mark.parametrize("line,wanted,unwanted", TEXTMATE_CASES, ids=[case[0] for case in TEXTMATE_CASES])
def test_textmate_tokenizes(grammar, line, wanted, unwanted):
    tokens = tokenize(grammar, line)
    missing = [token for token in wanted if token not in tokens]
    assert not missing, "missing %r\ntokens: %r" % (missing, tokens)
    present = [token for token in tokens if token[1] in unwanted]
    assert not present, "unexpected %r\ntokens: %r" % (present, tokens)


def test_textmate_bare_word_is_no_number(grammar):
    tokens = tokenize(grammar, "connect 127.0.0.1 5038; action X Mailbox=123@default")
    numbers = [text for text, scope in tokens if scope == "constant.numeric.amiscript"]
    assert numbers == ["5038"], tokens


def test_textmate_single_quotes_do_not_interpolate(grammar):
    tokens = tokenize(grammar, "print 'raw $name \\' ${x}'")
    assert ("'raw $name \\' ${x}'", "string.quoted.single.amiscript") in tokens, tokens
    assert not [t for t in tokens if t[1].startswith(("variable.", "meta.interpolation"))], tokens
