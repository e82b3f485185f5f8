"""examples/fleet: fleet.sh (GNU parallel) against 20 amisim servers, and the Ansible playbook's shape.

Run: python3 -m pytest tests/fleet -q (after swift build). Needs GNU parallel and jq
(apt-get install parallel jq). Every server listens on 127.0.0.1 on a free port; one of
them stalls after its banner, so its line is a failure written for a script that printed
nothing. Every amisim is stopped when the module ends.
"""
import json
import os
import selectors
import shutil
import subprocess
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("AMISCRIPT_BUILD", os.path.join(ROOT, ".build", "debug"))
FLEET = os.path.join(ROOT, "examples", "fleet")
SERVERS = 20
STALLED = 13                      # the index of the server that never answers after its banner
TIMEOUT = 6                       # fleet.sh -t: the whole script on one server
STEP = 2                          # amiscript --timeout (fleet.sh's default: TIMEOUT / 3)


def counts(index):
    return index + 1, (index * 7) % 5          # new, old messages in 200@default


def binary(name):
    """The built binary; waits a little if a rebuild has it missing for a moment."""
    path = os.path.join(BUILD, name)
    deadline = time.monotonic() + 120
    while not os.access(path, os.X_OK):
        if time.monotonic() > deadline:
            pytest.fail(f"{path} is missing: run swift build first")
        time.sleep(1)
    return path


def require_tools():
    missing = [tool for tool in ("parallel", "jq", "timeout") if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"{' and '.join(missing)} not installed: apt-get install parallel jq "
                    "(scripts/ensure-system-packages.sh installs them)")


def start_amisim(arguments):
    proc = subprocess.Popen([binary("amisim"), "--host", "127.0.0.1", "--port", "0"] + arguments,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    selector = selectors.DefaultSelector()
    selector.register(proc.stdout, selectors.EVENT_READ)
    ready = selector.select(timeout=20)
    selector.close()
    line = proc.stdout.readline() if ready else ""
    if not line.startswith("amisim listening on 127.0.0.1:"):
        proc.kill()
        pytest.fail(f"amisim {arguments} did not start: {line!r} {proc.stderr.read()!r}")
    return proc, int(line.strip().rsplit(":", 1)[1])


@pytest.fixture(scope="module")
def servers():
    """20 servers: (port, new, old, stalled) each; the one at STALLED has --fault stall."""
    require_tools()
    procs, found = [], []
    try:
        for index in range(SERVERS):
            new, old = counts(index)
            arguments = ["--fault", "stall"] if index == STALLED else ["--mailbox", f"200@default={new},{old}"]
            proc, port = start_amisim(arguments)
            procs.append(proc)
            found.append((port, new, old, index == STALLED))
        yield found
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture
def parallel_home(tmp_path):
    """A PARALLEL_HOME where the citation notice has been acknowledged."""
    home = tmp_path / "parallel-home"
    home.mkdir()
    (home / "will-cite").touch()
    return str(home)


def run_fleet(parallel_home, *arguments, amiscript=None):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("AMI_", "PARALLEL"))}
    env.update(AMISCRIPT=amiscript or binary("amiscript"), AMI_USERNAME="admin", AMI_SECRET="secret5",
               TIMEOUT=str(TIMEOUT), JOBS="10", PARALLEL_HOME=parallel_home)
    started = time.monotonic()
    result = subprocess.run([os.path.join(FLEET, "fleet.sh")] + list(arguments), env=env,
                            capture_output=True, text=True, timeout=120, cwd=ROOT)
    return result, time.monotonic() - started


def write_hosts(path, ports):
    lines = ["# the test fleet: 127.0.0.1 only", ""]
    for number, port in enumerate(ports):
        if number % 3 == 0:
            lines.append(f"127.0.0.1:{port}    # pbx-{number:02}")
        elif number % 3 == 1:
            lines.append(f"  127.0.0.1:{port}")
        else:
            lines.append(f"127.0.0.1:{port}")
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def parse_lines(stdout):
    lines = stdout.splitlines()
    results = []
    for line in lines:
        value = json.loads(line)
        assert isinstance(value, dict), line
        results.append(value)
    return results


def test_one_json_line_per_server_and_the_stalled_one_fails(servers, parallel_home, tmp_path):
    hosts = write_hosts(tmp_path / "hosts.txt", [port for port, _, _, _ in servers])
    result, elapsed = run_fleet(parallel_home, hosts, "200@default")

    assert result.returncode == 1, result.stderr
    results = parse_lines(result.stdout)
    assert len(results) == SERVERS, result.stdout
    # One line per server, in the list's order.
    assert [r["port"] for r in results] == [port for port, _, _, _ in servers]
    for r, (port, new, old, stalled) in zip(results, servers):
        assert r["host"] == "127.0.0.1"
        if stalled:
            assert r["ok"] is False, r
            assert r["exit"] == 124, r
            assert "timed out" in r["error"], r
            assert "Login" in r["error"], r
        else:
            assert r["ok"] is True, r
            assert (r["new"], r["old"], r["exit"]) == (new, old, 0), r
            assert r["mailbox"] == "200@default"
            assert r["asterisk"] and r["ami"] == "13.0.0", r

    total_new = sum(new for _, new, _, stalled in servers if not stalled)
    total_old = sum(old for _, _, old, stalled in servers if not stalled)
    assert f"fleet: {SERVERS} hosts, {SERVERS - 1} ok, 1 failed; {total_new} new and {total_old} old messages" \
        in result.stderr, result.stderr
    assert "1 failed: timeout" in result.stderr
    stalled_port = servers[STALLED][0]
    assert f"127.0.0.1:{stalled_port}  exit 124  action Login timed out after {STEP}s" in result.stderr
    assert "cite" not in result.stderr.lower(), result.stderr
    # Serially this is 19 quick runs plus a 2 s timeout; in parallel the timeout overlaps them.
    assert elapsed < 60, elapsed


def test_all_ok_exits_0_and_writes_the_results_file(servers, parallel_home, tmp_path):
    good = [port for port, _, _, stalled in servers if not stalled]
    hosts = write_hosts(tmp_path / "hosts.txt", good)
    output = tmp_path / "results.jsonl"
    result, _ = run_fleet(parallel_home, "-o", str(output), "-l", str(tmp_path / "joblog"), hosts, "200@default")

    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    results = parse_lines(output.read_text())
    assert [r["port"] for r in results] == good
    assert all(r["ok"] for r in results)
    assert f"fleet: {len(good)} hosts, {len(good)} ok, 0 failed;" in result.stderr
    joblog = (tmp_path / "joblog").read_text().splitlines()
    assert joblog[0].startswith("Seq\tHost\tStarttime") and len(joblog) == len(good) + 1


def test_failures_of_every_kind_still_give_one_line_each(servers, parallel_home, tmp_path):
    """Refused login (the script's own line), a port where nothing listens (the script's
    connect else), and a job whose wrapper dies (the line comes from parallel's job log)."""
    good, refusing = servers[0][0], servers[1][0]
    fake = tmp_path / "amiscript"
    fake.write_text(f"""#!/bin/bash
# amiscript, except that on port 9 it kills the job's shell (the fleet_one wrapper)
if [ "$AMI_PORT" = 9 ]; then
    pid=$PPID                      # timeout, then the $(...) subshell, then the job's shell
    for _ in 1 2; do read -r _ _ _ pid _ < /proc/$pid/stat; done
    kill -9 "$pid"; exit 0
fi
[ "$AMI_PORT" = {refusing} ] && export AMI_SECRET=wrong
exec {binary("amiscript")} "$@"
""")
    fake.chmod(0o755)
    hosts = tmp_path / "hosts.txt"
    hosts.write_text(f"127.0.0.1:{good}\n127.0.0.1:{refusing}\n127.0.0.1:1\n127.0.0.1:9\n")
    result, _ = run_fleet(parallel_home, str(hosts), "200@default", amiscript=str(fake))

    assert result.returncode == 1, result.stderr
    ok, login, refused, killed = parse_lines(result.stdout)
    assert ok["ok"] is True and ok["new"] == 1, ok
    assert login == {"host": "127.0.0.1", "port": refusing, "ok": False, "mailbox": "200@default",
                     "error": "login refused: Authentication failed", "exit": 77}
    assert refused == {"host": "127.0.0.1", "port": 1, "ok": False, "mailbox": "200@default",
                       "error": "cannot connect", "exit": 69}
    assert killed == {"host": "127.0.0.1", "port": 9, "ok": False, "exit": 137,
                      "error": "no output: killed by signal 9"}
    assert "fleet: 4 hosts, 1 ok, 3 failed; 1 new and 0 old messages" in result.stderr
    for kind in ("connection", "login", "killed"):
        assert f"1 failed: {kind}" in result.stderr, result.stderr


def test_a_bad_hosts_line_is_a_usage_error(parallel_home, tmp_path):
    require_tools()
    hosts = tmp_path / "hosts.txt"
    hosts.write_text("127.0.0.1:5038\n127.0.0.1:http\n")
    result, _ = run_fleet(parallel_home, str(hosts), "200@default")
    assert result.returncode == 64
    assert "line 2: not host, host:port or [v6addr]:port: 127.0.0.1:http" in result.stderr
    assert result.stdout == ""


def test_the_script_parses_and_prints_one_line_on_the_simulator():
    env = {key: value for key, value in os.environ.items() if not key.startswith("AMI_")}
    env.update(AMI_USERNAME="admin", AMI_SECRET="secret5")
    result = subprocess.run([binary("amiscript"), "--sim", os.path.join(FLEET, "mailbox-json.ami"), "200@default"],
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    line = json.loads(result.stdout)
    assert list(line) == ["host", "port", "ok", "mailbox", "new", "old", "asterisk", "ami", "up_since"]
    assert (line["ok"], line["new"], line["old"]) == (True, 3, 2)


def test_the_playbook_runs_the_script_and_summarises():
    yaml = pytest.importorskip("yaml")
    with open(os.path.join(FLEET, "playbook.yml")) as handle:
        plays = yaml.safe_load(handle)
    assert isinstance(plays, list) and len(plays) == 1
    play = plays[0]
    assert play["hosts"] == "pbx"

    def walk(tasks):
        for task in tasks:
            yield task
            for key in ("block", "rescue", "always"):
                yield from walk(task.get(key, []))

    tasks = list(walk(play["tasks"]))
    by_module = {module: task for task in tasks for module in task if module.startswith("ansible.builtin.")}
    copies = [task["ansible.builtin.copy"] for task in tasks if "ansible.builtin.copy" in task]
    assert any(copy.get("src") == "mailbox-json.ami" for copy in copies)
    run = by_module["ansible.builtin.command"]
    assert run["register"] == "ami" and run["failed_when"] is False
    assert run["environment"]["AMI_HOST"] == "127.0.0.1"
    assert "AMI_SECRET" not in run["environment"] and "stdin" in run["ansible.builtin.command"]
    facts = [task["ansible.builtin.set_fact"] for task in tasks if "ansible.builtin.set_fact" in task]
    assert any("from_json" in fact.get("pbx_result", "") for fact in facts)
    summary = next(task for task in play["tasks"] if task.get("run_once"))
    assert summary["delegate_to"] == "localhost"
    assert any("ansible.builtin.debug" in task for task in summary["block"])
    assert os.path.exists(os.path.join(FLEET, "mailbox-json.ami"))
    with open(os.path.join(FLEET, "inventory.ini")) as handle:
        assert "[pbx]" in handle.read()


def test_the_playbook_against_local_servers(servers, tmp_path):
    """Runs the playbook when ansible-playbook is there (ANSIBLE_PLAYBOOK=path, or on PATH):
    three 'PBX' on this machine (ansible_connection=local), one of them stalled, and one
    that ssh cannot reach (127.0.0.1 port 1)."""
    playbook = os.environ.get("ANSIBLE_PLAYBOOK") or shutil.which("ansible-playbook")
    if not playbook:
        pytest.skip("ansible-playbook not installed (the playbook's shape is checked above)")
    chosen = [servers[2], servers[3], servers[STALLED]]
    inventory = tmp_path / "inventory.ini"
    inventory.write_text("[pbx]\n" + "".join(f"pbx-{port} ami_port={port} ansible_connection=local\n"
                                             for port, _, _, _ in chosen) +
                         "pbx-down ansible_host=127.0.0.1 ansible_port=1 ansible_connection=ssh\n"
                         f"\n[pbx:vars]\nansible_python_interpreter=/usr/bin/python3\n"
                         f"amiscript={binary('amiscript')}\n")
    results = tmp_path / "results.jsonl"
    env = {key: value for key, value in os.environ.items() if not key.startswith("AMI_")}
    env.update(AMI_USERNAME="admin", AMI_SECRET="secret5", ANSIBLE_NOCOLOR="1", ANSIBLE_HOST_KEY_CHECKING="False",
               ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-local"), ANSIBLE_HOME=str(tmp_path / "ansible-home"))
    result = subprocess.run([playbook, "-i", str(inventory), os.path.join(FLEET, "playbook.yml"),
                             "-e", f"step_timeout={STEP}", "-e", f"results_file={results}"],
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 4, result.stdout + result.stderr      # unreachable host, failed last task
    lines = parse_lines(results.read_text())
    assert [r["pbx"] for r in lines] == [f"pbx-{port}" for port, _, _, _ in chosen] + ["pbx-down"]
    for r, (port, new, old, stalled) in zip(lines, chosen):
        if stalled:
            assert r["ok"] is False and r["exit"] == 124 and "timed out" in r["error"], r
        else:
            assert (r["ok"], r["new"], r["old"], r["port"]) == (True, new, old, port), r
    assert lines[-1] == {"pbx": "pbx-down", "ok": False, "exit": -1, "error": "PBX unreachable"}
    assert f"4 PBX, 2 ok, 2 failed; {chosen[0][1] + chosen[1][1]} new messages in 200@default" in result.stdout
    assert "secret5" not in result.stdout + result.stderr
