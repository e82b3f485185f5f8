#!/usr/bin/env python3
"""amiscript for a long run: bench/soak.ami (a Ping and a UserEvent each turn) against the
release amisim for MINUTES, amiscript's RSS sampled every minute (docs/reliability.md).

    python3 bench/soak.py [MINUTES]        (default 10)
"""
import os
import subprocess
import sys
import threading
import time

from process_memory import rss_mb

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RELEASE = os.path.join(ROOT, ".build", "release")


def main():
    minutes = float(sys.argv[1]) if len(sys.argv) > 1 else 10
    server = subprocess.Popen([os.path.join(RELEASE, "amisim"), "--port", "0"], stdout=subprocess.PIPE, text=True)
    port = server.stdout.readline().strip().rsplit(":", 1)[1]
    script = subprocess.Popen([os.path.join(RELEASE, "amiscript"), os.path.join(ROOT, "bench", "soak.ami")],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=dict(os.environ, AMI_HOST="127.0.0.1", AMI_PORT=port))
    turns = [0]

    def follow():
        for line in script.stdout:
            if line.startswith("turns "):
                turns[0] = int(line.split()[1])

    threading.Thread(target=follow, daemon=True).start()
    start = time.time()
    print("minute  turns     amiscript RSS  amisim RSS", flush=True)
    for minute in range(int(minutes) + 1):
        target = start + 60 * minute
        time.sleep(max(0, target - time.time()))
        if script.poll() is not None:
            print("amiscript ended:", script.returncode, script.stderr.read())
            sys.exit(1)
        print(f"{minute:6d}  {turns[0]:8d}  {rss_mb(script.pid):10.1f} MB  {rss_mb(server.pid):7.1f} MB", flush=True)
    elapsed = time.time() - start
    print(f"{turns[0]} turns in {elapsed:.0f} s ({turns[0] / elapsed:.0f}/s, each a Ping, a UserEvent and its expect)")
    script.kill()
    server.kill()


if __name__ == "__main__":
    main()
