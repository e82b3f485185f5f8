"""A watcher keeps watching through an Asterisk restart: amisim is killed and started again
on the same port; the watcher's eof branch runs `reconnect` (connect … retry, then the same
login) and it sees the events of both runs."""
import os
import socket
import subprocess
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("AMISCRIPT_BUILD", os.path.join(ROOT, ".build", "debug"))

WATCHER = """
set timeout 2
connect retry 30
login admin secret5 events on
print "watching"
while 1 {
    expect -timeout -1 {
        event UserEvent { print "got" ${event.UserEvent} }
        eof {
            print "reconnecting"
            reconnect
            print "watching"
        }
    }
}
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_simulator(port):
    proc = subprocess.Popen([os.path.join(BUILD, "amisim"), "--port", str(port)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().startswith("amisim listening on")
    return proc


def user_event(port, name):
    subprocess.run([os.path.join(BUILD, "amiscript"), "-e",
                    f"connect; login admin secret5 events off; action UserEvent UserEvent={name}; close"],
                   env=dict(os.environ, AMI_HOST="127.0.0.1", AMI_PORT=str(port)), check=True, timeout=30)


def wait_for(lines, text, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if text in lines:
            return
        time.sleep(0.05)
    raise AssertionError(f"{text!r} never came; the watcher said {lines}")


def test_a_watcher_keeps_watching_through_a_restart(tmp_path):
    port = free_port()
    simulator = start_simulator(port)
    script = tmp_path / "watcher.ami"
    script.write_text(WATCHER)
    watcher = subprocess.Popen([os.path.join(BUILD, "amiscript"), str(script)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True,
                               env=dict(os.environ, AMI_HOST="127.0.0.1", AMI_PORT=str(port)))
    lines = []
    reader = threading.Thread(target=lambda: [lines.append(line.rstrip("\n")) for line in watcher.stdout], daemon=True)
    reader.start()
    try:
        wait_for(lines, "watching")
        user_event(port, "before-restart")
        wait_for(lines, "got before-restart")
        simulator.kill()
        simulator.wait()
        wait_for(lines, "reconnecting")
        time.sleep(1.5)  # the watcher is retrying meanwhile (1 s, 2 s, 4 s … apart)
        simulator = start_simulator(port)
        deadline = time.time() + 30
        while lines.count("watching") < 2 and time.time() < deadline:
            time.sleep(0.05)
        assert lines.count("watching") == 2, lines
        user_event(port, "after-restart")
        wait_for(lines, "got after-restart")
        assert watcher.poll() is None, watcher.stderr.read()
    finally:
        watcher.kill()
        watcher.wait()
        simulator.kill()
        simulator.wait()
