#!/usr/bin/env bash
# Launch-to-ready of the service as a user starts it: milliseconds from exec of `./meridian serve ...` to the
# first 200 on GET /health (polled every 2 ms), RUNS times; the server is stopped (SIGTERM) after each run.
# The first run of a new jar also records the launcher's ahead-of-time cache, so run it once beforehand.
#   bench/ready-time.sh RUNS PORT [serve options...]
#   e.g. bench/ready-time.sh 3 18110 --refs bench/refs-sf-la.csv --db off --tcp-port 0
set -u
RUNS=${1:?usage: ready-time.sh RUNS PORT [serve options]}; PORT=${2:?}; shift 2
ROOT=$(cd "$(dirname "$0")/.." && pwd)
python3 - "$ROOT" "$RUNS" "$PORT" "$@" <<'PY'
import os, signal, socket, subprocess, sys, time
root, runs, port, opts = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
req = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
for i in range(runs):
    t0 = time.monotonic()
    p = subprocess.Popen([os.path.join(root, "meridian"), "serve", "--port", port] + opts,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    ready = None
    while time.monotonic() - t0 < 30:
        try:
            with socket.create_connection(("127.0.0.1", int(port)), timeout=1) as s:
                s.sendall(req)
                if s.recv(64).startswith(b"HTTP/1.1 200"):
                    ready = (time.monotonic() - t0) * 1000
                    break
        except OSError:
            pass
        time.sleep(0.002)
    rss = open(f"/proc/{p.pid}/status").read().split("VmRSS:")[1].split("\n")[0].strip() if ready else "-"
    # CPU time of the JVM until ready (utime + stime, all threads): comparable on a busy machine
    f = open(f"/proc/{p.pid}/stat").read().rsplit(")", 1)[1].split()
    cpu = (int(f[11]) + int(f[12])) * 1000 / os.sysconf("SC_CLK_TCK")
    load = open("/proc/loadavg").read().split()[0]
    print(f"run {i + 1}: ready in {ready:.0f} ms, CPU {cpu:.0f} ms, RSS {rss}, load {load}" if ready
          else f"run {i + 1}: not ready in 30 s")
    os.killpg(p.pid, signal.SIGTERM)
    p.wait()
PY
