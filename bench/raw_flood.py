#!/usr/bin/env python3
"""Reads amisim's event flood with a raw socket (no parsing): the simulator's own rate."""
import socket, sys, time

host, port = sys.argv[1], int(sys.argv[2])
s = socket.create_connection((host, port))
s.recv(1024)
s.sendall(b"Action: Login\r\nUsername: admin\r\nSecret: secret5\r\n\r\n")
start = time.perf_counter()
total = 0
tail = b""
while True:
    chunk = s.recv(1 << 20)
    if not chunk:
        break
    total += len(chunk)
    window = tail + chunk
    if b"NewMessages: 42" in window:
        break
    tail = window[-32:]
took = time.perf_counter() - start
print(f"{total / 1e6:.1f} MB in {took:.3f} s = {total / 1e6 / took:.0f} MB/s")
