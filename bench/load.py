#!/usr/bin/env python3
"""amisim under load: CLIENTS concurrent sessions, each looping connect → Login →
MailboxCount → Logoff for SECONDS, against the release amisim. Prints sessions per second,
errors, and amisim's RSS before, every 10 s during, and after (docs/reliability.md).

    python3 bench/load.py [CLIENTS [SECONDS]]        (defaults 200, 60)
"""
import asyncio
import os
import subprocess
import sys
import time

from process_memory import rss_mb

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
AMISIM = os.path.join(ROOT, ".build", "release", "amisim")


async def read_packet(reader):
    """One packet: lines up to an empty line."""
    lines = []
    while True:
        line = await reader.readline()
        if not line:
            raise ConnectionError("closed")
        line = line.rstrip(b"\r\n")
        if not line:
            return lines
        lines.append(line)


async def session(port, counts):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        banner = await reader.readline()
        assert banner.startswith(b"Asterisk Call Manager")
        writer.write(b"Action: Login\r\nUsername: admin\r\nSecret: secret5\r\nEvents: off\r\nActionID: 1\r\n\r\n")
        assert b"Response: Success" in (await read_packet(reader))
        writer.write(b"Action: MailboxCount\r\nMailbox: 200@default\r\nActionID: 2\r\n\r\n")
        assert b"NewMessages: 3" in (await read_packet(reader))
        writer.write(b"Action: Logoff\r\nActionID: 3\r\n\r\n")
        assert b"Response: Goodbye" in (await read_packet(reader))
        counts["sessions"] += 1
    finally:
        writer.close()
        try:
            await writer.wait_closed()
        except Exception:
            pass


async def client(port, deadline, counts):
    while time.time() < deadline:
        try:
            await session(port, counts)
        except Exception as error:  # every failure is counted, none stops the run
            counts["errors"] += 1
            counts["last error"] = repr(error)


async def main():
    clients = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 60
    server = subprocess.Popen([AMISIM, "--port", "0"], stdout=subprocess.PIPE, text=True)
    port = int(server.stdout.readline().strip().rsplit(":", 1)[1])
    counts = {"sessions": 0, "errors": 0}
    print(f"amisim RSS before: {rss_mb(server.pid):.1f} MB")
    start = time.time()
    deadline = start + seconds
    tasks = [asyncio.create_task(client(port, deadline, counts)) for _ in range(clients)]
    samples = []
    while time.time() < deadline:
        await asyncio.sleep(min(10, max(0.1, deadline - time.time())))
        samples.append((time.time() - start, counts["sessions"], rss_mb(server.pid)))
        print(f"  t={samples[-1][0]:5.1f} s  sessions={samples[-1][1]:7d}  RSS={samples[-1][2]:.1f} MB", flush=True)
    await asyncio.gather(*tasks)
    elapsed = time.time() - start
    await asyncio.sleep(2)
    after = rss_mb(server.pid)
    print(f"{clients} clients, {elapsed:.0f} s: {counts['sessions']} sessions "
          f"({counts['sessions'] / elapsed:.0f}/s), {counts['errors']} errors"
          + (f" (last: {counts['last error']})" if counts["errors"] else ""))
    print(f"amisim RSS after (2 s idle): {after:.1f} MB; peak sampled: {max(s[2] for s in samples):.1f} MB")
    server.terminate()
    server.wait()


if __name__ == "__main__":
    asyncio.run(main())
