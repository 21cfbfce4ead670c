#!/usr/bin/env python3
"""coldstart.py EXE URL STARTS -- median ms from process start to the first 200 from URL.
One process polls (a plain socket every millisecond) so the measurement itself costs next to nothing."""
import os, socket, statistics, subprocess, sys, time, urllib.parse

exe, url, starts = sys.argv[1], sys.argv[2], int(sys.argv[3])
u = urllib.parse.urlsplit(url)
request = f"GET {u.path}?{u.query} HTTP/1.1\r\nHost: {u.hostname}\r\nConnection: close\r\n\r\n".encode()

def status():
    try:
        with socket.create_connection((u.hostname, u.port), timeout=2) as s:
            s.sendall(request)
            line = s.recv(64).split(b"\r\n", 1)[0].split()
            return int(line[1]) if len(line) > 1 else 0
    except OSError:
        return 0

times = []
for _ in range(starts):
    t0 = time.monotonic()
    p = subprocess.Popen([exe], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while status() != 200:
        if p.poll() is not None:
            sys.exit(f"{exe} exited with {p.returncode} before answering")
        time.sleep(0.001)
    times.append((time.monotonic() - t0) * 1000)
    p.terminate(); p.wait()
    time.sleep(0.2)
print(f"{statistics.median(times):.0f} {min(times):.0f} {max(times):.0f}")
