"""The golden-script format, in one place: reading a script's expectations, running it with
the built amiscript against amisim, and writing its expectations back (tests/bless.py).

A golden script states in comments how it is run and what it must do:

    # args: 123@default          arguments after the script
    # options: --timeout 1       amiscript options before the script
    # amisim: --fault stall      a simulator started with these options (default: plain; shell quoting)
                                 (its address in the output is written 127.0.0.1:$AMI_PORT)
    # env: NAME=value ...        environment variables for amiscript
    # stdin: a line              a line of standard input (repeatable)
    # exit: 0
    # stdout: a line of standard output (every stdout line must be listed, in order)
    # stderr: a line of standard error (likewise)
"""
import os
import re
import shlex
import subprocess
from dataclasses import dataclass, field

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPTS = os.path.join(ROOT, "tests", "scripts")
BUILD = os.environ.get("AMISCRIPT_BUILD", os.path.join(ROOT, ".build", "debug"))
# Every simulator of the golden scripts answers quickly: failed logins and calls.
BASE_SIMULATOR_OPTIONS = ["--auth-fail-delay", "0.05", "--call-seconds", "0.5"]
EXPECTATION = re.compile(r"(?m)^# (exit|stdout|stderr):.*\n?")


@dataclass
class Expectation:
    arguments: list = field(default_factory=list)
    options: list = field(default_factory=list)
    simulator: list = field(default_factory=list)
    environment: dict = field(default_factory=dict)
    stdin: str = None
    exit: int = 0
    stdout: str = ""
    stderr: str = ""


def scripts():
    """Every golden script, as a path relative to the project root, sorted."""
    found = []
    for folder, _, names in os.walk(SCRIPTS):
        found += [os.path.relpath(os.path.join(folder, name), ROOT) for name in names if name.endswith(".ami")]
    return sorted(found)


def expectation(text):
    result = Expectation()
    for line in text.split("\n"):
        match = re.match(r"# (args|options|amisim|env|stdin|exit|stdout|stderr):( ?)(.*)$", line)
        if not match:
            continue
        key, value = match.group(1), match.group(3)
        if key == "args":
            result.arguments = value.split()
        elif key == "options":
            result.options = value.split()
        elif key == "amisim":
            result.simulator = shlex.split(value)
        elif key == "env":
            for pair in value.split():
                name, equals, setting = pair.partition("=")
                if equals:
                    result.environment[name] = setting
        elif key == "stdin":
            result.stdin = (result.stdin or "") + value + "\n"
        elif key == "exit":
            result.exit = int(value) if value.strip().lstrip("-").isdigit() else -1
        elif key == "stdout":
            result.stdout += value + "\n"
        elif key == "stderr":
            result.stderr += value + "\n"
    return result


class Simulators:
    """One amisim per set of options, started when first needed, shared by the scripts."""

    def __init__(self):
        self.running = {}

    def port(self, options):
        key = tuple(BASE_SIMULATOR_OPTIONS + list(options))
        if key not in self.running:
            proc = subprocess.Popen([os.path.join(BUILD, "amisim"), "--port", "0", *key],
                                    stdout=subprocess.PIPE, text=True)
            line = proc.stdout.readline()
            if not line.startswith("amisim listening on "):
                proc.kill()
                raise RuntimeError(f"amisim {' '.join(key)} did not start: {line!r}")
            self.running[key] = (proc, int(line.strip().rsplit(":", 1)[1]))
        return self.running[key][1]

    def stop(self):
        for proc, _ in self.running.values():
            proc.terminate()
            proc.wait()
        self.running = {}


def run(relative, simulators):
    """Runs one script as its comments say; returns (expectation, CompletedProcess)."""
    with open(os.path.join(ROOT, relative), encoding="utf-8") as handle:
        expected = expectation(handle.read())
    port = simulators.port(expected.simulator)
    env = dict(os.environ, AMI_HOST="127.0.0.1", AMI_PORT=str(port), **expected.environment)
    result = subprocess.run([os.path.join(BUILD, "amiscript"), *expected.options, relative, *expected.arguments],
                            cwd=ROOT, env=env, input=expected.stdin or "", capture_output=True,
                            text=True, timeout=60)
    # The simulator's port changes from run to run: the expectations say $AMI_PORT.
    result.stdout = result.stdout.replace(f"127.0.0.1:{port}", "127.0.0.1:$AMI_PORT")
    result.stderr = result.stderr.replace(f"127.0.0.1:{port}", "127.0.0.1:$AMI_PORT")
    return expected, result


def bless(relative, simulators):
    """Rewrites the script's # exit/# stdout/# stderr lines from a run; returns them."""
    path = os.path.join(ROOT, relative)
    text = open(path, encoding="utf-8").read()
    _, result = run(relative, simulators)
    body = EXPECTATION.sub("", text).rstrip("\n") + "\n"
    lines = [f"# exit: {result.returncode}"]
    for name, output in (("stdout", result.stdout), ("stderr", result.stderr)):
        if output:
            if not output.endswith("\n"):
                raise ValueError(f"{relative}: {name} does not end with a line end")
            lines += [f"# {name}: {line}" if line else f"# {name}:" for line in output[:-1].split("\n")]
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(body + "\n" + "\n".join(lines) + "\n")
    return lines
