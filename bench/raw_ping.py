#!/usr/bin/env python3
"""The round-trip workload written with a raw socket: log in, then N times send
Action: Ping and read until its response's empty line. Prints actions per second."""
import socket, sys, time

host, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = socket.create_connection((host, port))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
buf = b""

def read_packet():
    global buf
    while b"\r\n\r\n" not in buf:
        chunk = s.recv(65536)
        if not chunk:
            raise SystemExit("closed")
        buf += chunk
    packet, buf = buf.split(b"\r\n\r\n", 1)
    return packet

while b"\r\n" not in buf:
    buf += s.recv(65536)
buf = buf.split(b"\r\n", 1)[1]
s.sendall(b"Action: Login\r\nUsername: admin\r\nSecret: secret5\r\nEvents: off\r\n\r\n")
read_packet()
start = time.perf_counter()
for i in range(count):
    s.sendall(b"Action: Ping\r\nActionID: %d\r\n\r\n" % i)
    while True:
        packet = read_packet()
        if b"ActionID: %d\r\n" % i in packet + b"\r\n":
            break
took = time.perf_counter() - start
print(f"{count} pings in {took:.3f} s = {int(count / took)} actions/s")
