"""Hostile scripts against the built amiscript: each ends with a clear diagnostic or runs,
in bounded time and memory, never a crash (docs/reliability.md has the table and figures).

The nesting and regex cases are golden scripts (tests/scripts/malformed/nesting-*.ami,
tests/scripts/hostile/); these are the ones too large or too binary for a golden file.
"""
import os
import resource
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("AMISCRIPT_BUILD", os.path.join(ROOT, ".build", "debug"))
AMISCRIPT = os.path.join(BUILD, "amiscript")


def run(arguments, tmp_path, stdin=None):
    """Runs amiscript; returns (CompletedProcess, its peak RSS in MB)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result = subprocess.run([AMISCRIPT, *arguments], cwd=tmp_path, input=stdin, capture_output=True, timeout=120)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the largest of any child so far: only a new maximum tells.
    return result, max(peak, before) / 1024


def test_invalid_utf8_is_an_error_with_the_byte_offset(tmp_path):
    script = tmp_path / "latin1.ami"
    script.write_bytes(b'print "ok"\nprint "caf\xe9 au lait"\n')
    result, _ = run([str(script)], tmp_path)
    assert result.returncode == 65
    assert result.stdout == b""
    assert result.stderr.decode() == (
        f"{script}:2:11: error: the script is not valid UTF-8: byte 0xE9 at byte offset 21 (save it as UTF-8)\n1 error\n")
    # The same on standard input, and a UTF-8 byte order mark is fine.
    result, _ = run(["-"], tmp_path, stdin=b'print "x"\xff\n')
    assert result.returncode == 65
    assert b"byte 0xFF at byte offset 9" in result.stderr
    result, _ = run(["-"], tmp_path, stdin=b'\xef\xbb\xbfprint "bom"\n')
    assert (result.returncode, result.stdout) == (0, b"bom\n")


def test_a_10_mb_script_is_checked_and_run_in_bounded_memory(tmp_path):
    script = tmp_path / "big.ami"
    lines, size, i = [], 0, 0
    while size < 10 * 1024 * 1024:
        line = f'set v{i % 1000} "line {i} of a generated script" + str({i})  # comment {i}\n'
        lines.append(line)
        size += len(line)
        i += 1
    lines.append('print "done" $v999\n')
    script.write_text("".join(lines))
    result, peak = run(["--check", str(script)], tmp_path)
    assert (result.returncode, result.stderr) == (0, b"")
    result, peak = run([str(script)], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(b"done line ")
    assert peak < 1024, f"peak RSS {peak:.0f} MB"


def test_a_1_mb_string_literal(tmp_path):
    script = tmp_path / "string.ami"
    script.write_text('set s "' + "x" * (1 << 20) + '"\nprint len($s) substr($s, -3)\n')
    result, _ = run([str(script)], tmp_path)
    assert (result.returncode, result.stdout) == (0, b"1048576 xxx\n")


def test_a_1_mb_line_that_does_not_parse_is_quoted_as_a_window(tmp_path):
    script = tmp_path / "oneline.ami"
    script.write_text("print " + "1 + " * 250_000 + "}\n")
    result, _ = run(["--check", str(script)], tmp_path)
    assert result.returncode == 65
    quoted = result.stderr.decode().splitlines()[1]
    assert quoted.startswith("…") and len(quoted) < 140
