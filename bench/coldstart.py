#!/usr/bin/env python3
"""coldstart.py "EXE [ARGS]" URL STARTS [DETAILS.json] -- median ms from process start to the first 200 from URL.

Prints "median min max" (ms). One process polls (a plain socket every millisecond) so the measurement
itself costs next to nothing. With DETAILS.json it also writes, as medians over the starts: the CPU time
the process used up to its first 200 (user + system, less sensitive to a busy machine than wall time),
its RSS at the first 200 and 1 s later (idle), and where the time went when the gateway logs its
start-up line (Cloud Logging JSON, K_SERVICE set): exec -> Main (the runtime's own start), each stage
the gateway reports, and listening -> first 200 (first request: ID token, backend connection)."""
import json, os, re, shlex, socket, statistics, subprocess, sys, threading, time, urllib.parse

command, url, starts = shlex.split(sys.argv[1]), sys.argv[2], int(sys.argv[3])
exe = command[0]
details = sys.argv[4] if len(sys.argv) > 4 else None
u = urllib.parse.urlsplit(url)
request = f"GET {u.path}?{u.query} HTTP/1.1\r\nHost: {u.hostname}\r\nConnection: close\r\n\r\n".encode()
tick = os.sysconf("SC_CLK_TCK")

def status():
    try:
        with socket.create_connection((u.hostname, u.port), timeout=2) as s:
            s.sendall(request)
            line = s.recv(64).split(b"\r\n", 1)[0].split()
            return int(line[1]) if len(line) > 1 else 0
    except OSError:
        return 0

def cpu_ms(pid):
    # On-CPU time of every live thread (schedstat, ns) plus what exited threads left in the process's
    # own counters is not available at ns resolution, so: live threads' schedstat, or the tick-based
    # stat when schedstat is missing.
    total = 0
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/schedstat") as f:
                total += int(f.read().split()[0])
        return total / 1e6
    except OSError:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 1000 / tick

def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0

def parse_started(lines):
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("eventId") == 1090:
            fields = entry.get("fields", {})
            main_at = fields.get("MainAt", "")
            # 2026-12-03T07:10:00.1234567Z -> epoch seconds (microsecond precision is enough)
            m = re.match(r"(\d+-\d+-\d+T\d+:\d+:\d+)(\.\d+)?Z", main_at)
            if not m:
                return None
            epoch = time.mktime(time.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S")) - time.timezone + float(m.group(2) or 0)
            stages = [(s.rsplit(" ", 2)[0], float(s.rsplit(" ", 2)[1])) for s in fields.get("Stages", "").split(", ") if s]
            return epoch, float(fields.get("Total", 0)), stages
    return None

times, cpus, rss_first, rss_idle, breakdowns = [], [], [], [], []
for _ in range(starts):
    t0 = time.time()
    p = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    reader = threading.Thread(target=lambda: lines.extend(iter(p.stdout.readline, "")), daemon=True)
    reader.start()
    while status() != 200:
        if p.poll() is not None:
            sys.exit(f"{exe} exited with {p.returncode} before answering")
        time.sleep(0.001)
    t1 = time.time()
    times.append((t1 - t0) * 1000)
    cpus.append(cpu_ms(p.pid))
    rss_first.append(rss_mb(p.pid))
    time.sleep(1.0)
    rss_idle.append(rss_mb(p.pid))
    p.terminate(); p.wait(); reader.join(timeout=2)
    started = parse_started(list(lines))
    if started:
        main_epoch, total, stages = started
        breakdowns.append([("exec -> Main", (main_epoch - t0) * 1000)] + stages
                          + [("listening -> first 200", (t1 - main_epoch) * 1000 - total)])
    time.sleep(0.2)
print(f"{statistics.median(times):.0f} {min(times):.0f} {max(times):.0f}")
if details:
    out = {"first_200_ms": statistics.median(times), "cpu_ms": statistics.median(cpus),
           "rss_first_200_mb": statistics.median(rss_first), "rss_idle_mb": statistics.median(rss_idle), "starts": starts}
    if breakdowns and all(len(b) == len(breakdowns[0]) for b in breakdowns):
        out["breakdown_ms"] = [[name, statistics.median(b[i][1] for b in breakdowns)] for i, (name, _) in enumerate(breakdowns[0])]
    with open(details, "w") as f:
        json.dump(out, f, indent=1)
