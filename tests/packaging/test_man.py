"""The man pages man/amiscript.1.in and man/amisim.1.in (mdoc).

Run: python3 -m pytest tests/packaging -q (after swift build: the option lists come from
the built binaries' --help). Each page gets its @VERSION@ replaced, as the Makefile does,
with the version of Sources/CommandLineSupport/Version.swift, then:

* groff -ww -mandoc -Tutf8 renders it with no warning;
* man -l (MANWIDTH=80) shows the required section headings, no line wider than 80
  columns, the version, and no @TOKEN@ left;
* every option of the binary's --help (plus --generate-completion-script, which
  swift-argument-parser hides from --help) is in the OPTIONS section, so an option added
  without documenting it fails here; every amisim fault of --help is in FAULTS;
* amiscript's page names every environment variable it reads;
* lexgrog (man-db) finds the NAME line that whatis/apropos index;
* mandoc -T lint reports nothing at WARNING level (skipped when mandoc is not installed).

Needs the Debian packages groff-base and man-db (lexgrog is in man-db); mandoc optional.
"""
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MAN_DIR = ROOT / "man"
BUILD = Path(os.environ.get("AMISCRIPT_BUILD", ROOT / ".build" / "debug"))
VERSION_FILE = ROOT / "Sources" / "CommandLineSupport" / "Version.swift"
# Used only while Version.swift does not exist yet.
PLACEHOLDER_VERSION = "0.0.0-placeholder"

PAGES = {
    "amiscript": {
        "sections": ["NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "THE LANGUAGE IN BRIEF",
                     "THE REPL", "ENVIRONMENT", "EXIT STATUS", "FILES", "EXAMPLES", "SEE ALSO"],
        "environment": ["AMI_HOST", "AMI_PORT", "AMI_USERNAME", "AMI_SECRET", "AMI_TLS_CA",
                        "AMI_TLS_VERIFY", "AMISCRIPT_HISTORY"],
        "whatis": "amiscript - ",
    },
    "amisim": {
        "sections": ["NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "FAULTS", "WHAT IT ANSWERS",
                     "EXIT STATUS", "EXAMPLES", "SEE ALSO"],
        "environment": [],
        "whatis": "amisim - ",
    },
}
# Options every swift-argument-parser command has but does not list in --help.
HIDDEN_OPTIONS = ["--generate-completion-script"]
MAN_WIDTH = 80


def read_version():
    """The X.Y.Z of `public static let string = "X.Y.Z"` in `public enum AMIScriptVersion`."""
    if not VERSION_FILE.exists():
        return PLACEHOLDER_VERSION
    text = VERSION_FILE.read_text(encoding="utf-8")
    match = re.search(r'public\s+enum\s+AMIScriptVersion\b.*?'
                      r'public\s+static\s+let\s+string\s*=\s*"([^"\n]+)"', text, re.S)
    assert match, f"{VERSION_FILE}: no 'public static let string = \"X.Y.Z\"' in AMIScriptVersion"
    return match.group(1)


VERSION = read_version()


def need_tool(name, package):
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed: apt-get install {package}")
    return path


def binary(name):
    path = BUILD / name
    if not path.exists():
        pytest.fail(f"{path} is missing: run 'swift build' first (or set AMISCRIPT_BUILD)")
    return path


def source(name):
    return MAN_DIR / f"{name}.1.in"


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """name -> the page with @VERSION@ replaced, as the Makefile builds build/man/NAME.1."""
    directory = tmp_path_factory.mktemp("man")
    built = {}
    for name in PAGES:
        text = source(name).read_text(encoding="utf-8")
        path = directory / f"{name}.1"
        path.write_text(text.replace("@VERSION@", VERSION), encoding="utf-8")
        built[name] = path
    return built


def man_environment():
    env = {key: value for key, value in os.environ.items()
           if key not in ("MAN_KEEP_FORMATTING", "MANPAGER", "MANOPT", "MANROFFOPT", "GROFF_SGR",
                          "MANWIDTH", "COLUMNS", "LANGUAGE")}
    env.update(MANWIDTH=str(MAN_WIDTH), PAGER="cat", LC_ALL="C.UTF-8", LANG="C.UTF-8")
    return env


def normalized(text):
    """man's text as plain characters: no overstrikes, hyphen-like characters as '-',
    words hyphenated at a line end joined again."""
    text = re.sub(r".\x08", "", text)
    text = re.sub("\u2010\n[ \t]*", "", text)
    for hyphen in "\u2010\u2011\u2012\u2013\u2212":
        text = text.replace(hyphen, "-")
    return text


_rendered = {}


def rendered(path):
    """The page as `man -l` shows it at 80 columns, through cat."""
    if path not in _rendered:
        need_tool("man", "man-db")
        result = subprocess.run(["man", "-P", "cat", "-l", str(path)], env=man_environment(),
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, f"man -l {path.name} failed:\n{result.stderr}"
        assert result.stdout.strip(), f"man -l {path.name} printed nothing:\n{result.stderr}"
        _rendered[path] = result.stdout
    return _rendered[path]


def sections(text):
    """heading -> the text under it (headings start in column 0; the first and last
    lines are the page's header and footer)."""
    lines = normalized(text).splitlines()[1:-1]
    result = {}
    heading = None
    for line in lines:
        if line and not line[0].isspace():
            heading = line.strip()
            result[heading] = []
        elif heading is not None:
            result[heading].append(line)
    return {key: "\n".join(value) for key, value in result.items()}


def has_word(text, word):
    """`word` in `text`, not as part of a longer option or name (--flood != --flood-bytes)."""
    return re.search(r"(?<![\w-])" + re.escape(word) + r"(?![\w-])", text) is not None


def help_text(name):
    path = binary(name)
    result = subprocess.run([str(path), "--help"], capture_output=True, text=True, timeout=30,
                            env=dict(os.environ, COLUMNS="80"))
    assert result.returncode == 0, f"{name} --help failed:\n{result.stderr}"
    return result.stdout


def help_options(name):
    """The options of `name --help` (the names before the description column)."""
    text = help_text(name)
    block = text.split("\nOPTIONS:\n", 1)
    assert len(block) == 2, f"{name} --help has no OPTIONS: section:\n{text}"
    options = []
    for line in block[1].splitlines():
        if not line.strip():
            break
        match = re.match(r"  (-\S.*?)(?:\s{2,}|$)", line)
        if match:
            options += re.findall(r"(?<![\w-])(--?[A-Za-z0-9][\w-]*)", match.group(1))
    assert "--help" in options and "--version" in options and len(options) >= 5, \
        f"could not read the options of {name} --help (found {options}):\n{text}"
    return options + HIDDEN_OPTIONS


def help_faults():
    """The fault names listed in amisim --help: 'Faults: NAME (what); NAME (what); ...'."""
    text = " ".join(help_text("amisim").split())
    match = re.search(r"Faults: (.*?)\. USAGE:", text)
    assert match, f"amisim --help lists no faults:\n{text}"
    faults = [part.split()[0] for part in match.group(1).split("; ")]
    assert len(faults) >= 5 and all(re.fullmatch(r"[a-z][a-z-]*", fault) for fault in faults), faults
    return faults


@pytest.mark.parametrize("name", PAGES)
def test_source_carries_only_the_version_token(name):
    text = source(name).read_text(encoding="utf-8")
    assert "@VERSION@" in text, f"{source(name)} should give the version as @VERSION@"
    tokens = set(re.findall(r"@[A-Z_]+@", text)) - {"@VERSION@"}
    assert not tokens, f"{source(name)}: tokens the Makefile does not replace: {sorted(tokens)}"
    assert re.search(r"^\.Dd [A-Z][a-z]+ \d{1,2}, \d{4}$", text, re.M), \
        f"{source(name)}: .Dd wants a fixed date ('.Dd Month D, YYYY')"
    assert re.search(r"^\.Dt " + name.upper() + r" 1$", text, re.M)


@pytest.mark.parametrize("name", PAGES)
def test_groff_renders_without_warnings(name, pages):
    need_tool("groff", "groff-base")
    result = subprocess.run(["groff", "-ww", "-mandoc", "-Tutf8", str(pages[name])],
                            capture_output=True, timeout=60)
    stderr = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 0, f"groff failed on {name}.1:\n{stderr}"
    assert stderr == "", f"groff warnings on {name}.1:\n{stderr}"
    assert result.stdout.strip()


@pytest.mark.parametrize("name", PAGES)
def test_man_shows_the_sections(name, pages):
    found = sections(rendered(pages[name]))
    missing = [heading for heading in PAGES[name]["sections"] if heading not in found]
    assert not missing, f"{name}.1 lacks the sections {missing}; it has {list(found)}"
    assert re.search(r"^" + re.escape(name) + " (?:-|\u2014|\u2013) \\S", found["NAME"].strip()), found["NAME"]


@pytest.mark.parametrize("name", PAGES)
def test_man_shows_the_version(name, pages):
    text = rendered(pages[name])
    lines = [line for line in text.splitlines() if line.strip()]
    assert VERSION in lines[-1], f"{name}.1: the footer does not show {VERSION}: {lines[-1]!r}"
    assert re.search(r"@[A-Z_]+@", text) is None, f"{name}.1 shows an unreplaced @TOKEN@"


@pytest.mark.parametrize("name", PAGES)
def test_man_fits_the_width(name, pages):
    wide = [line for line in rendered(pages[name]).splitlines() if len(line) > MAN_WIDTH]
    assert not wide, f"{name}.1 has lines wider than {MAN_WIDTH} columns:\n" + "\n".join(wide)


def item_tags(section):
    """The tags of a tagged list (.Bl -tag): the text that starts in the section's
    leftmost column, up to the description (two blanks or the line end)."""
    lines = [line for line in section.splitlines() if line.strip()]
    column = min(len(line) - len(line.lstrip()) for line in lines)
    tags = []
    for line in lines:
        match = re.match(" {%d}(\\S.*?)(?: {2,}|$)" % column, line)
        if match:
            tags.append(match.group(1))
    return tags


@pytest.mark.parametrize("name", PAGES)
def test_every_option_of_help_is_documented(name, pages):
    """Each option has its own item in OPTIONS (a mention in another's text is not enough)."""
    tags = "\n".join(item_tags(sections(rendered(pages[name]))["OPTIONS"]))
    missing = [option for option in help_options(name) if not has_word(tags, option)]
    assert not missing, f"{name} --help has options without an item in the OPTIONS of {name}.1: {missing}"


def test_every_fault_is_documented(pages):
    faults = "\n".join(item_tags(sections(rendered(pages["amisim"]))["FAULTS"]))
    missing = [fault for fault in help_faults() if not has_word(faults, fault)]
    assert not missing, f"amisim --help has faults without an item in the FAULTS of amisim.1: {missing}"


@pytest.mark.parametrize("name", PAGES)
def test_environment_variables_are_documented(name, pages):
    page = sections(rendered(pages[name]))
    environment = page.get("ENVIRONMENT", "")
    missing = [variable for variable in PAGES[name]["environment"] if not has_word(environment, variable)]
    assert not missing, f"the ENVIRONMENT of {name}.1 lacks {missing}"


@pytest.mark.parametrize("name", PAGES)
def test_whatis_entry(name, pages):
    need_tool("lexgrog", "man-db")
    result = subprocess.run(["lexgrog", str(pages[name])], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, f"lexgrog cannot parse the NAME of {name}.1:\n{result.stdout}{result.stderr}"
    assert f'"{PAGES[name]["whatis"]}' in result.stdout, result.stdout


@pytest.mark.parametrize("name", PAGES)
def test_mandoc_lint(name, pages):
    if shutil.which("mandoc") is None:
        pytest.skip("mandoc is not installed (optional: apt-get install mandoc)")
    result = subprocess.run(["mandoc", "-T", "lint", "-W", "warning", str(pages[name])],
                            capture_output=True, text=True, timeout=60)
    report = (result.stdout + result.stderr).strip()
    assert result.returncode == 0 and report == "", f"mandoc -T lint on {name}.1:\n{report}"
