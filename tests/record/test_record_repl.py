"""The REPL with --record, through a real terminal (pexpect): what was typed and answered
is in the file, the secret is not, and amisim --replay answers the same session again."""
import json
import os
import subprocess

import pexpect

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("AMISCRIPT_BUILD", os.path.join(ROOT, ".build", "debug"))


def start_simulator(*options):
    proc = subprocess.Popen([os.path.join(BUILD, "amisim"), "--port", "0", *options], stdout=subprocess.PIPE,
                            text=True)
    line = proc.stdout.readline()
    assert line.startswith("amisim listening on"), line
    return proc, int(line.strip().rsplit(":", 1)[1])


def repl_session(port, tmp_path, *options):
    """Logs in, asks for a mailbox, quits; returns what the REPL printed."""
    env = dict(os.environ, AMI_PORT=str(port), AMI_HOST="127.0.0.1", TERM="xterm",
               AMISCRIPT_HISTORY=str(tmp_path / "history"))
    child = pexpect.spawn(os.path.join(BUILD, "amiscript"), list(options), env=env, encoding="utf-8",
                          timeout=10, dimensions=(40, 160))
    child.expect("ami> ")
    child.sendline("connect; login admin secret5 events off")
    child.expect(r"ami admin@127\.0\.0\.1:\d+> ")
    child.sendline('action MailboxCount Mailbox=200@default; print "new:" $response.NewMessages')
    child.expect(r"new: (\d+)\r\n")
    new = child.match.group(1)
    end_with_eof(child)
    return new


def end_with_eof(child):
    """Ctrl-D at the prompt ends the REPL. On a loaded machine the first one can arrive
    while the line editor is still setting up the terminal; a user would press it again."""
    for _ in range(5):
        child.sendeof()
        try:
            child.expect(pexpect.EOF, timeout=4)
            return
        except pexpect.TIMEOUT:
            continue
    raise AssertionError(f"the REPL did not end after Ctrl-D; it printed {child.before!r}")


def test_the_repl_records_its_session(tmp_path):
    record = tmp_path / "repl.jsonl"
    simulator, port = start_simulator()
    try:
        assert repl_session(port, tmp_path, "--record", str(record)) == "3"
    finally:
        simulator.terminate()
        simulator.wait()
    text = record.read_text()
    assert "secret5" not in text
    lines = [json.loads(line) for line in text.splitlines()]
    assert lines[0]["server"] == f"127.0.0.1:{port}" and "dir" not in lines[0]
    sent = "".join(line["data"] for line in lines if line.get("dir") == "C")
    assert "Secret: ********\r\n" in sent and "Mailbox: 200@default\r\n" in sent and "Action: Logoff\r\n" in sent

    replay, replay_port = start_simulator("--replay", str(record))
    try:
        assert repl_session(replay_port, tmp_path) == "3"
    finally:
        replay.terminate()
        replay.wait()
