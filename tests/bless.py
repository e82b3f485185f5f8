#!/usr/bin/env python3
"""Writes the expectation comments (# exit/# stdout/# stderr) of golden scripts from an
actual run, the way GoldenScriptTests runs them. Review `git diff` before committing:
blessing records what the binary does, it does not decide that it is right.

Usage: python3 tests/bless.py tests/scripts/some/script.ami ...
"""
import os, re, subprocess, sys, time

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
build = os.path.join(root, ".build", "debug")
sims = {}

def simulator(options):
    key = tuple(options)
    if key not in sims:
        proc = subprocess.Popen([os.path.join(build, "amisim"), "--port", "0"] + options,
                                stdout=subprocess.PIPE, text=True)
        line = proc.stdout.readline()
        sims[key] = (proc, int(line.strip().rsplit(":", 1)[1]))
    return sims[key][1]

def headers(text, key):
    values = [l[len(f"# {key}:"):].strip() for l in text.splitlines() if l.startswith(f"# {key}:")]
    return values[0].split() if values else []

for path in sys.argv[1:]:
    rel = os.path.relpath(os.path.abspath(path), root)
    text = open(path).read()
    body = re.sub(r"(?m)^# (exit|stdout|stderr):.*\n?", "", text).rstrip("\n") + "\n"
    options = ["--auth-fail-delay", "0.05", "--call-seconds", "0.5"] + headers(text, "amisim")
    port = simulator(options)
    env = dict(os.environ, AMI_HOST="127.0.0.1", AMI_PORT=str(port))
    for pair in headers(text, "env"):
        name, _, value = pair.partition("=")
        env[name] = value
    result = subprocess.run([os.path.join(build, "amiscript")] + headers(text, "options") + [rel] + headers(text, "args"),
                            cwd=root, env=env, capture_output=True, text=True, timeout=60)
    lines = [f"# exit: {result.returncode}"]
    for name, output in (("stdout", result.stdout), ("stderr", result.stderr)):
        if output:
            assert output.endswith("\n"), f"{rel}: {name} does not end with a line end"
            lines += [f"# {name}: {l}" if l else f"# {name}:" for l in output[:-1].split("\n")]
    open(path, "w").write(body + "\n" + "\n".join(lines) + "\n")
    print(f"== {rel}\n" + "\n".join(lines))

for proc, _ in sims.values():
    proc.terminate()
