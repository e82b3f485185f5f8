#!/usr/bin/env python3
"""Writes link/amiscript.order: the functions amiscript runs in its everyday jobs, which the
release link (lld --symbol-ordering-file, Package.swift) puts side by side at the start of
the code. A short script then touches a few hundred KiB of code instead of pages spread over
16 MB: fewer page faults at start-up and a smaller resident set (docs/performance.md).

    python3 scripts/update-link-order.py      # needs valgrind; builds the release binaries

Each job runs under valgrind's callgrind (which lists every function a run executes) with a
copy of the binary stripped of DWARF (valgrind cannot read Swift's) but not of its symbols.
The file lists mangled names, the jobs' functions in job order (each job adds the functions
the jobs before it did not run), sorted by name within a job so that diffs stay readable.
Names the code no longer has are skipped by the linker; new functions land after the listed
ones until the file is regenerated: a stale file costs memory, never correctness.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RELEASE = os.path.join(ROOT, ".build", "release")
ORDER = os.path.join(ROOT, "link", "amiscript.order")

# The jobs, most common first: a cron job's start, the seed's vmcount, actions, Command
# output, event waits, a text flood.
JOBS = [
    ["-e", "exit 0"],
    ["examples/vmcount.ami", "123@default"],
    ["-e", 'connect; login; for i in 1..20 { action Ping }; command "core show version"; print $output'],
    ["-e", 'connect; login events on; '
           'action Originate Channel=Local/100@default Application=Wait Data=1 Async=true; '
           'expect -timeout 5 event /^(OriginateResponse|Newchannel)$/ { print $event.Event }; '
           'expect -timeout 1 { /Event: (\\w+)/ { print $1 } timeout { } }'],
    ["bench/flood.ami"],
]


def functions(callgrind_out, binary):
    """Every function of `binary` the callgrind profile names (fn= and cfn= entries).

    Callgrind names each object and function once, `(id) name`, and by `(id)` after that;
    `ob=`/`fn=` say where the costs that follow are, `cob=`/`cfn=` what they call."""
    objects, names = {}, {}
    found = set()
    current_ob = called_ob = None

    def lookup(value, table):
        match = re.match(r"\((\d+)\)(?: (.*))?", value)
        if match.group(2):
            table[match.group(1)] = match.group(2)
        return table.get(match.group(1))

    for line in open(callgrind_out, errors="replace"):
        key, _, value = line.rstrip("\n").partition("=")
        if key == "ob":
            current_ob = called_ob = lookup(value, objects)
        elif key == "cob":
            called_ob = lookup(value, objects)
        elif key in ("fn", "cfn"):
            name = lookup(value, names)
            owner = current_ob if key == "fn" else called_ob
            if name and owner == binary and not name.startswith("0x"):
                found.add(name)
            # A cfn= without its own cob= is in the current object.
            called_ob = current_ob
    return found


def main():
    if shutil.which("valgrind") is None:
        sys.exit("update-link-order: valgrind is needed (apt-get install valgrind)")
    subprocess.run(["swift", "build", "-c", "release", "--static-swift-stdlib"], cwd=ROOT, check=True)
    work = tempfile.mkdtemp()
    binary = os.path.join(work, "amiscript")
    subprocess.run(["strip", "--strip-debug", "-o", binary, os.path.join(RELEASE, "amiscript")], check=True)
    listed, order = set(), []
    for job in JOBS:
        flood = job == ["bench/flood.ami"]
        simulator = subprocess.Popen(
            [os.path.join(RELEASE, "amisim"), "--port", "0"] + (["--fault", "flood", "--flood-bytes", "2000000"] if flood else []),
            stdout=subprocess.PIPE, text=True)
        port = simulator.stdout.readline().strip().rsplit(":", 1)[1]
        env = dict(os.environ, AMI_HOST="127.0.0.1", AMI_PORT=port, AMI_USERNAME="admin", AMI_SECRET="secret5")
        out = os.path.join(work, "callgrind.out")
        subprocess.run(["valgrind", "--tool=callgrind", "--demangle=no", f"--callgrind-out-file={out}", binary, *job],
                       cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        simulator.terminate()
        simulator.wait()
        new = sorted(functions(out, binary) - listed)
        listed.update(new)
        order.extend(new)
        print(f"{' '.join(job)[:60]}: {len(new)} more functions", file=sys.stderr)
    os.makedirs(os.path.dirname(ORDER), exist_ok=True)
    with open(ORDER, "w") as f:
        f.write("\n".join(order) + "\n")
    shutil.rmtree(work)
    print(f"{ORDER}: {len(order)} functions", file=sys.stderr)


if __name__ == "__main__":
    main()
