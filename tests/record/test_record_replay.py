"""amiscript --record and amisim --replay, end to end with the built binaries.

Every example that runs against amisim is run live with --record, then against
`amisim --replay` of its recording: it must print the same and exit the same. Then the
pace (--replay-speed), the answer for a request the recording has not got, malformed
files, the real transcripts, reconnects, and no secret in a recording.

Run: python3 -m pytest tests/record (after swift build; AMISCRIPT_BUILD picks the
binaries, default .build/debug). Each test starts its own amisims on free ports.
"""
import hashlib
import json
import os
import re
import stat
import subprocess
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("AMISCRIPT_BUILD", os.path.join(ROOT, ".build", "debug"))
AMISCRIPT = os.path.join(BUILD, "amiscript")
AMISIM = os.path.join(BUILD, "amisim")
TRANSCRIPTS = os.path.join(ROOT, "tests", "fixtures", "ami-transcripts", "asterisk-master")


class Simulator:
    """One amisim on a free port; stopped by stop() (its stderr is kept)."""

    def __init__(self, *options):
        self.proc = subprocess.Popen([AMISIM, "--port", "0", *options], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if not line.startswith("amisim listening on "):
            self.proc.kill()
            raise RuntimeError(f"amisim {options} did not start: {line!r} {self.proc.stderr.read()!r}")
        self.port = int(line.strip().rsplit(":", 1)[1])
        self.stderr = None

    def stop(self):
        if self.stderr is None:
            self.proc.terminate()
            _, self.stderr = self.proc.communicate(timeout=10)
        return self.stderr


@pytest.fixture
def simulators():
    started = []

    def start(*options):
        simulator = Simulator(*options)
        started.append(simulator)
        return simulator

    yield start
    for simulator in started:
        simulator.stop()


def amiscript(port, *arguments, env=None, cwd=None):
    environment = {key: value for key, value in os.environ.items() if not key.startswith("AMI_")}
    environment.update(AMI_HOST="127.0.0.1", AMI_PORT=str(port), **(env or {}))
    return subprocess.run([AMISCRIPT, *arguments], env=environment, cwd=cwd or ROOT, capture_output=True,
                          text=True, timeout=60)


def recording_lines(path):
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def example(name):
    return os.path.join(ROOT, "examples", name)


def originate_a_call(port):
    """A call of 1 s on the live amisim, made outside the recording (channels.ami lists it)."""
    result = amiscript(port, "-e", "connect; login admin secret5 events off\n"
                       "action Originate Channel=Local/s@amitest Application=Wait Data=1 Async=true\nclose")
    assert result.returncode == 0, result.stderr


# (id, script and arguments, environment, what to do on the live server first, normalise)
EXAMPLES = [
    ("vmcount", [example("vmcount.ami"), "200@default"], {}, None),
    ("vmcount-empty-box", [example("vmcount.ami"), "123@default"], {}, None),
    ("vmcount2", [example("vmcount2.ami"), "200@default"], {}, None),
    ("originate", [example("originate.ami")], {}, None),
    ("originate-fails", [example("originate.ami"), "Local/s@nowhere"], {}, None),
    ("channels", [example("channels.ami")], {}, originate_a_call),
    ("cli", [example("cli.ami"), "voicemail", "show", "users"], {}, None),
    ("cli-unknown-command", [example("cli.ami"), "bogus"], {}, None),
    ("watch-events", [example("watch-events.ami"), "1", "^Fully"], {}, None),
    ("check-mailbox-ok", [example("check-mailbox.ami"), "200@default", "5", "10"], {}, None),
    ("check-mailbox-critical", [example("check-mailbox.ami"), "200@default", "1", "3"], {}, None),
    ("mailbox-report", [example("mailbox-report.ami"), "BOXES", "2", "true"],
     {"AMI_USERNAME": "admin", "AMI_SECRET": "secret5"}, None),
    ("fleet-mailbox-json", [example("fleet/mailbox-json.ami"), "200@default"],
     {"AMI_USERNAME": "admin", "AMI_SECRET": "secret5"}, None),
]


def normalised(text, port):
    # What varies from run to run whatever the server says: the report's clock (to the
    # minute) and the port the script was told.
    text = re.sub(r"^Voicemail, \d{4}-\d\d-\d\d \d\d:\d\d$", "Voicemail, DATE", text, flags=re.M)
    return text.replace(f'"port":{port}', '"port":PORT')


@pytest.mark.parametrize("name,arguments,env,before", EXAMPLES, ids=[case[0] for case in EXAMPLES])
def test_an_example_prints_the_same_against_the_replay_of_its_recording(simulators, tmp_path, name, arguments,
                                                                        env, before):
    boxes = tmp_path / "boxes"
    boxes.write_text("200@default\n123@default\n1234@default\n")
    arguments = [str(boxes) if word == "BOXES" else word for word in arguments]
    record = tmp_path / f"{name}.jsonl"
    live = simulators("--call-seconds", "1")
    if before:
        before(live.port)
    recorded = amiscript(live.port, "--record", str(record), *arguments, env=env)
    live.stop()
    assert stat.S_IMODE(os.stat(record).st_mode) == 0o600
    lines = recording_lines(record)
    assert set(lines[0]) == {"recorded_by", "server", "banner", "time"}
    assert lines[0]["server"] == f"127.0.0.1:{live.port}"
    assert all(line["dir"] in ("C", "S") and isinstance(line["t"], (int, float)) for line in lines[1:])

    replay = simulators("--replay", str(record))
    replayed = amiscript(replay.port, *arguments, env=env)
    assert replay.stop() == "", "every request had its recorded answer"
    assert (replayed.returncode, normalised(replayed.stdout, replay.port), replayed.stderr) == \
        (recorded.returncode, normalised(recorded.stdout, live.port), recorded.stderr)


def record_originate(simulators, tmp_path):
    record = tmp_path / "originate.jsonl"
    live = simulators("--call-seconds", "1")
    result = amiscript(live.port, "--record", str(record), example("originate.ami"))
    assert result.returncode == 0, result.stderr
    return record, result.stdout


def test_replay_speed_sets_the_pace_of_the_events(simulators, tmp_path):
    record, output = record_originate(simulators, tmp_path)
    timings = {}
    for speed in ["1", "0", "4"]:
        replay = simulators("--replay", str(record), "--replay-speed", speed)
        started = time.monotonic()
        result = amiscript(replay.port, example("originate.ami"))
        timings[speed] = time.monotonic() - started
        assert (result.returncode, result.stdout) == (0, output), result.stderr
    # The Hangup came 1 s after the answer: at speed 1 it takes that again, at 0 no time.
    assert timings["1"] >= 0.9, timings
    assert timings["0"] < timings["1"] - 0.5, timings
    assert timings["4"] < timings["1"] - 0.3, timings


def test_a_request_without_a_recorded_answer_is_an_error_response(simulators, tmp_path):
    record = tmp_path / "vmcount2.jsonl"
    live = simulators()
    assert amiscript(live.port, "--record", str(record), example("vmcount2.ami"), "200@default").returncode == 0
    replay = simulators("--replay", str(record))
    result = amiscript(replay.port, "-e", "connect; login admin secret5 events off\n"
                       "action MailboxCount Mailbox=123@default else { print $response.Response $response.Message }\n"
                       "action MailboxCount Mailbox=200@default\nprint $response.NewMessages\nclose")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Error amisim replay: no recorded answer for Action MailboxCount\n3\n"
    assert replay.stop() == "amisim: replay: no recorded answer for Action MailboxCount (Mailbox: 123@default)\n"


def test_each_connection_replays_from_the_start(simulators, tmp_path):
    record = tmp_path / "vmcount.jsonl"
    live = simulators()
    recorded = amiscript(live.port, "--record", str(record), example("vmcount.ami"), "200@default")
    replay = simulators("--replay", str(record))
    for _ in range(3):
        result = amiscript(replay.port, example("vmcount.ami"), "200@default")
        assert (result.returncode, result.stdout) == (0, recorded.stdout)


def test_a_reconnecting_script_records_a_metadata_line_per_connection(simulators, tmp_path):
    record = tmp_path / "reconnect.jsonl"
    script = ("connect; login admin secret5 events off; action Ping; close\n"
              "connect; login admin secret5 events off; action MailboxCount Mailbox=200@default\n"
              "print $response.NewMessages; close")
    live = simulators()
    recorded = amiscript(live.port, "--record", str(record), "-e", script)
    assert (recorded.returncode, recorded.stdout) == (0, "3\n"), recorded.stderr
    metadata = [line for line in recording_lines(record) if "dir" not in line]
    assert len(metadata) == 2 and all(line["banner"] == "Asterisk Call Manager/13.0.0" for line in metadata)
    replay = simulators("--replay", str(record))
    replayed = amiscript(replay.port, "-e", script)
    assert (replayed.returncode, replayed.stdout) == (0, "3\n"), replayed.stderr
    assert replay.stop() == ""


def test_record_works_with_sim_and_an_unwritable_file_is_exit_73(tmp_path):
    record = tmp_path / "sim.jsonl"
    result = subprocess.run([AMISCRIPT, "--sim", "--record", str(record), example("vmcount2.ami"), "200@default"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert recording_lines(record)[0]["server"].startswith("127.0.0.1:")
    missing = tmp_path / "no-such-dir" / "x.jsonl"
    result = subprocess.run([AMISCRIPT, "--sim", "--record", str(missing), "-e", "print 1"],
                            capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout) == (73, "")
    assert result.stderr == f"amiscript: cannot create the record file {missing}: No such file or directory\n"


def test_no_secret_reaches_a_recording(tmp_path):
    """send "…Secret: x…", login USER SECRET and login … md5: none of the secrets, nor the
    MD5 key, is in the file (issue 9's --record test)."""
    record = tmp_path / "secrets.jsonl"
    script = ('connect\nsend "Action: Login\\r\\nUsername: admin\\r\\nSecret: secret5\\r\\nEvents: off\\r\\n\\r\\n"\n'
              'expect "accepted"\nclose\n'
              'connect\nlogin admin secret5 events off\nlogin admin secret5 md5\nclose\n')
    result = subprocess.run([AMISCRIPT, "--sim", "--record", str(record), "-e", script],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    text = record.read_text()
    challenge = re.search(r"Challenge: (\d+)", text).group(1)
    key = hashlib.md5((challenge + "secret5").encode()).hexdigest()
    assert "secret5" not in text and key not in text
    sent = "".join(line["data"] for line in recording_lines(record) if line.get("dir") == "C")
    assert sent.count("Secret: ********\r\n") == 2 and sent.count("Key: ********\r\n") == 1


def test_the_transcripts_replay(simulators):
    """The real Asterisk traffic (no metadata line, no times) answers scripts too."""
    replay = simulators("--replay", os.path.join(TRANSCRIPTS, "vmcount-seed-telnet-style.jsonl"))
    result = amiscript(replay.port, example("vmcount.ami"), "123@default")
    assert (result.returncode, result.stdout) == \
        (0, "Mailbox: 123@default\nConnected.\nLogged in.\nNew messages: 0\nOld messages: 0\n"), result.stderr
    replay = simulators("--replay", os.path.join(TRANSCRIPTS, "originate-events.jsonl"), "--replay-speed", "0")
    result = amiscript(replay.port, example("originate.ami"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("originate queued: Originate successfully queued\n"
                                    "answered: Local/s@amitest-00000000;1\nhung up: cause "), result.stdout


@pytest.mark.parametrize("content,message", [
    ('{"dir":"S","data":"Asterisk Call Manager/13.0.0\\r\\n"}\n\n{"dir":"C","data":"x"\n',
     "line 3: column 22: unexpected end of the line, wanted ',' or '}'"),
    ('{"dir":"S","data":"x"}\n{"dir":"Q","data":"y"}\n', 'line 2: "dir" must be "C" or "S", not "Q"'),
    ("", 'no recorded traffic (no line with "dir")'),
    ("\x00\x01binary\xff\n", "line 1: column 1: unexpected '\\x00', wanted a JSON object '{'"),
])
def test_a_malformed_replay_file_is_exit_65_with_its_line(tmp_path, content, message):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(content.encode("utf-8", "surrogateescape") if isinstance(content, str) else content)
    result = subprocess.run([AMISIM, "--port", "0", "--replay", str(path)], capture_output=True, text=True,
                            errors="replace", timeout=30)
    assert (result.returncode, result.stdout) == (65, "")
    assert result.stderr == f"amisim: {path}: {message}\n"


def test_replay_options_that_do_not_fit_are_usage_errors(tmp_path):
    record = tmp_path / "r.jsonl"
    record.write_text('{"dir":"S","data":"Asterisk Call Manager/13.0.0\\r\\n"}\n')
    cases = [
        (["--replay", str(tmp_path / "missing.jsonl")], "cannot read"),
        (["--replay", str(record), "--replay-speed=-1"], "--replay-speed wants a number, 0 or more"),
        (["--replay", str(record), "--replay-speed", "nan"], "--replay-speed wants a number, 0 or more"),
        (["--replay-speed", "2"], "--replay-speed goes with --replay"),
        (["--replay", str(record), "--fault", "stall"], "--fault does not go with --replay"),
        (["--replay", str(record), "--mailbox", "1@x=1,2"], "--mailbox does not go with --replay"),
    ]
    for options, message in cases:
        result = subprocess.run([AMISIM, "--port", "0", *options], capture_output=True, text=True, timeout=30)
        assert result.returncode == 64, (options, result.stderr)
        assert message in result.stderr, (options, result.stderr)
