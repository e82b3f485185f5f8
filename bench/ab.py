#!/usr/bin/env python3
"""Two builds of amiscript against each other, runs interleaved (a busy machine drifts;
alternating keeps the drift out of the comparison).

    python3 bench/ab.py OTHER_CHECKOUT [ROUNDS]

OTHER_CHECKOUT is another checkout with its release build done (e.g. a `git worktree` of
the base commit, built with `swift build -c release --static-swift-stdlib`); this one's
release build is used as "this". Prints the medians of: 10,000 Pings through the language
(bench/pings.ami), the same through AMIClient alone (amibench pings), and the time to
match at the end of a 300 MB event flood (bench/flood.ami).
"""
import os
import re
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def release(checkout, name):
    return os.path.join(checkout, ".build", "release", name)


def simulator(*arguments):
    proc = subprocess.Popen([release(ROOT, "amisim"), "--port", "0", *arguments], stdout=subprocess.PIPE, text=True)
    port = proc.stdout.readline().strip().rsplit(":", 1)[1]
    return proc, port, dict(os.environ, AMI_HOST="127.0.0.1", AMI_PORT=port)


def output(command, env):
    return subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    builds = {"other": os.path.abspath(sys.argv[1]), "this": ROOT}
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 6
    figures = {(build, what): [] for build in builds for what in ("pings", "client", "flood")}
    ping_sim, port, ping_env = simulator()
    flood_sim, _, flood_env = simulator("--fault", "flood", "--flood-bytes", "300000000")
    try:
        for _ in range(rounds):
            for build, checkout in builds.items():
                out = output([release(checkout, "amiscript"), os.path.join(ROOT, "bench/pings.ami"), "10000"], ping_env)
                figures[(build, "pings")].append(10000 / float(re.search(r"in ([0-9.]+)", out).group(1)))
                out = output([release(checkout, "amibench"), "pings", "127.0.0.1", port, "10000"], ping_env)
                figures[(build, "client")].append(float(re.search(r"= (\d+)", out).group(1)))
                out = output([release(checkout, "amiscript"), os.path.join(ROOT, "bench/flood.ami")], flood_env)
                figures[(build, "flood")].append(float(re.search(r"after ([0-9.]+)", out).group(1)))
    finally:
        ping_sim.terminate()
        flood_sim.terminate()
    print(f"| figure (median of {rounds}) | other ({builds['other']}) | this |")
    print("|---|---|---|")
    for what, label, unit in (("pings", "Pings through the language", "/s"), ("client", "Pings, AMIClient alone", "/s"),
                              ("flood", "300 MB flood, time to the match", " s")):
        cells = [statistics.median(figures[(build, what)]) for build in builds]
        text = [f"{value:,.0f}{unit}" if unit == "/s" else f"{value:.3f}{unit} ({300 / value:.0f} MB/s)" for value in cells]
        print(f"| {label} | {text[0]} | {text[1]} |")


if __name__ == "__main__":
    main()
