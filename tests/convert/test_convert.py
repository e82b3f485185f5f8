"""`amiscript convert` against real Expect + telnet: every script in tests/convert/expect/
is converted to amiscript, and the Expect original and the converted script are run with
the same arguments against the same amisim. stdout bytes, stderr bytes and the exit code
must be equal. Also: the converted seed script vmcount.exp passes the seed comparison
(tests/fixtures/seed-check/seed-vmcount.sh) in its four cases.

Each .exp starts with a comment block; its `# args: ...` lines (shell words, split with
shlex; `# args:` alone = no arguments) give the argument sets to run it with, and an
optional `# amisim: OPTIONS` line the simulator's options for that script.

CONVERT_SELFTEST=1 checks the harness itself without the converter: the "converted"
side of each .exp test is the same .exp run by expect again (so the comparison must
hold), and the vmcount test's "converted" script is examples/vmcount.ami run by
amiscript (which passes the seed check), after `amiscript --check` on it.

See tests/convert/README.md."""
import difflib
import os
import shlex
import shutil
import socket
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("AMISCRIPT_BUILD", os.path.join(ROOT, ".build", "debug"))
HERE = os.path.dirname(os.path.abspath(__file__))
EXPECT_DIR = os.path.join(HERE, "expect")
SEED_DIR = os.path.join(ROOT, "tests", "fixtures", "seed-check")
SELFTEST = os.environ.get("CONVERT_SELFTEST", "") not in ("", "0")
RUN_SECONDS = 30

_missing = [tool for tool in ("expect", "telnet") if shutil.which(tool) is None]
if _missing:
    pytest.skip(f"{' and '.join(_missing)} not installed (apt-get install expect telnet): "
                "the Expect originals cannot run", allow_module_level=True)


def amiscript():
    return os.path.join(BUILD, "amiscript")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_simulator(port, options=()):
    proc = subprocess.Popen([os.path.join(BUILD, "amisim"), "--port", str(port), *options],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if not line.startswith("amisim listening on"):
        proc.kill()
        _, err = proc.communicate()
        raise AssertionError(f"amisim did not start (options {list(options)}): {line!r} {err!r}")
    return proc


def stop_simulator(proc):
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def server_env(port):
    env = dict(os.environ, AMI_HOST="127.0.0.1", AMI_PORT=str(port))
    # Variables some scripts read as defaults: the same on both sides anyway, but left out
    # so that what the scripts print does not depend on the caller's environment.
    for name in ("AMI_USERNAME", "AMI_SECRET", "AMI_SECRET_FILE", "DIALPLAN_VAR"):
        env.pop(name, None)
    return env


class Run:
    def __init__(self, argv, stdout, stderr, status):
        self.argv, self.stdout, self.stderr, self.status = argv, stdout, stderr, status


def run(argv, env, merge_stderr=False):
    """Runs argv (stdin /dev/null, RUN_SECONDS at most); a run that times out is status
    None with what it had written."""
    try:
        done = subprocess.run(argv, env=env, cwd=ROOT, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT if merge_stderr else subprocess.PIPE,
                              timeout=RUN_SECONDS)
        return Run(argv, done.stdout, done.stderr or b"", done.returncode)
    except subprocess.TimeoutExpired as timed_out:
        return Run(argv, timed_out.stdout or b"", timed_out.stderr or b"", None)


def text(data):
    return data.decode("utf-8", errors="backslashreplace")


def unified(label, a, b, name_a, name_b):
    lines = difflib.unified_diff(text(a).splitlines(keepends=True), text(b).splitlines(keepends=True),
                                 fromfile=f"{name_a} {label}", tofile=f"{name_b} {label}")
    return "".join(line if line.endswith("\n") else line + "\n\\ no line end\n" for line in lines)


def assert_same(original, converted, name_a="expect", name_b="amiscript", streams=("stdout", "stderr")):
    problems = []
    for stream in streams:
        a, b = getattr(original, stream), getattr(converted, stream)
        if a != b:
            problems.append(f"{stream} differs:\n{unified(stream, a, b, name_a, name_b)}"
                            f"(bytes: {name_a} {a!r}\n        {name_b} {b!r})")
    if original.status != converted.status:
        def show(status):
            return "timed out after %d s" % RUN_SECONDS if status is None else str(status)
        problems.append(f"exit code differs: {name_a} {show(original.status)}, {name_b} {show(converted.status)}")
    if problems:
        raise AssertionError(f"{' '.join(map(shlex.quote, original.argv))}\n"
                             f"{' '.join(map(shlex.quote, converted.argv))}\n" + "\n".join(problems))
    assert original.status is not None, f"both runs timed out: {original.argv}"


def header(path):
    """The `# args:` argument sets and the `# amisim:` options of a script's comment block."""
    arg_sets, options = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.startswith("#"):
                break
            body = line[1:].strip()
            if body == "args:" or body.startswith("args: "):
                arg_sets.append(shlex.split(body[len("args:"):]))
            elif body.startswith("amisim:"):
                options = shlex.split(body[len("amisim:"):])
    return arg_sets, options


SCRIPTS = sorted(name for name in os.listdir(EXPECT_DIR) if name.endswith(".exp"))
CASES = [pytest.param(name, i, args, options, id=f"{name[:-4]}-{i}")
         for name in SCRIPTS
         for options in [header(os.path.join(EXPECT_DIR, name))[1]]
         for i, args in enumerate(header(os.path.join(EXPECT_DIR, name))[0])]


def convert(exp_path, out_path):
    """`amiscript convert EXP -o OUT`, then `amiscript --check OUT`; both must exit 0."""
    done = subprocess.run([amiscript(), "convert", exp_path, "-o", out_path], cwd=ROOT,
                          stdin=subprocess.DEVNULL, capture_output=True, timeout=RUN_SECONDS)
    assert done.returncode == 0, (f"amiscript convert {exp_path} exited {done.returncode}\n"
                                  f"stdout: {text(done.stdout)}\nstderr: {text(done.stderr)}")
    assert os.path.exists(out_path), f"amiscript convert wrote no {out_path}"
    check(out_path)


def check(ami_path):
    done = subprocess.run([amiscript(), "--check", ami_path], cwd=ROOT, stdin=subprocess.DEVNULL,
                          capture_output=True, timeout=RUN_SECONDS)
    with open(ami_path, encoding="utf-8", errors="backslashreplace") as f:
        source = f.read()
    assert done.returncode == 0, (f"amiscript --check {ami_path} exited {done.returncode}\n"
                                  f"{text(done.stdout)}{text(done.stderr)}\n--- the converted script:\n{source}")


def test_the_scripts_are_there_and_declare_their_arguments():
    assert len(SCRIPTS) >= 14, SCRIPTS
    for name in SCRIPTS:
        path = os.path.join(EXPECT_DIR, name)
        arg_sets, _ = header(path)
        assert arg_sets, f"{name} has no '# args:' line"
        with open(path, encoding="utf-8") as f:
            source = f.read()
        # Expect's echo of telnet's own chatter cannot be reproduced: log_user 0 comes first.
        spawn = source.find("\nspawn ")
        assert spawn > 0, f"{name} spawns nothing"
        assert 0 < source.find("\nlog_user 0\n") < spawn, f"{name}: log_user 0 must come before spawn"


@pytest.mark.parametrize("name,index,args,options", CASES)
def test_converted_script_behaves_like_the_expect_original(tmp_path, name, index, args, options):
    exp_path = os.path.join(EXPECT_DIR, name)
    if SELFTEST:
        converted_argv = ["expect", exp_path, *args]
    else:
        ami_path = str(tmp_path / (name[:-4] + ".ami"))
        convert(exp_path, ami_path)
        converted_argv = [amiscript(), ami_path, *args]
    port = free_port()
    simulator = start_simulator(port, options)
    try:
        env = server_env(port)
        original = run(["expect", exp_path, *args], env)
        converted = run(converted_argv, env)
    finally:
        stop_simulator(simulator)
    assert_same(original, converted, name_b="expect (selftest)" if SELFTEST else "amiscript")


SEED_CASES = [
    pytest.param(["123@default"], id="empty-mailbox-123"),
    pytest.param(["200@default"], id="mailbox-with-messages-200"),
    pytest.param(["999@default"], id="unknown-mailbox-999"),
    pytest.param([], id="no-mailbox-argument"),
]


@pytest.mark.parametrize("args", SEED_CASES)
def test_converted_vmcount_passes_the_seed_comparison(tmp_path, args):
    """As seed-vmcount.sh compares: stdout and stderr together (2>&1), and the exit code."""
    exp_path = os.path.join(SEED_DIR, "vmcount.exp")
    assert os.path.exists(exp_path), f"no {exp_path} (tests/fixtures/README.md says how to refresh it)"
    if SELFTEST:
        ami_path = os.path.join(ROOT, "examples", "vmcount.ami")
        check(ami_path)
    else:
        ami_path = str(tmp_path / "vmcount.ami")
        convert(exp_path, ami_path)
    port = free_port()
    simulator = start_simulator(port)
    try:
        env = server_env(port)
        original = run(["expect", exp_path, *args], env, merge_stderr=True)
        converted = run([amiscript(), ami_path, *args], env, merge_stderr=True)
    finally:
        stop_simulator(simulator)
    assert_same(original, converted, name_a="vmcount.exp", name_b=os.path.basename(ami_path), streams=("stdout",))
