#!/usr/bin/env bash
# prof.sh TREE PORT EVENT OUT [serve opts]
TREE=$1; PORT=$2; EV=$3; OUT=$4; shift 4
export JDK_JAVA_OPTIONS="-agentpath:/tmp/ap/lib/libasyncProfiler.so=start,event=$EV,interval=1ms,collapsed,threads,file=$OUT"
python3 - "$TREE" "$PORT" "$@" <<'PY'
import os, signal, socket, subprocess, sys, time
root, port, opts = sys.argv[1], sys.argv[2], sys.argv[3:]
req = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
t0 = time.monotonic()
p = subprocess.Popen([os.path.join(root, "meridian"), "serve", "--port", port] + opts, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
while time.monotonic() - t0 < 30:
    try:
        with socket.create_connection(("127.0.0.1", int(port)), timeout=1) as s:
            s.sendall(req)
            if s.recv(64).startswith(b"HTTP/1.1 200"):
                print("ready", (time.monotonic()-t0)*1000); break
    except OSError: pass
    time.sleep(0.002)
os.killpg(p.pid, signal.SIGTERM); p.wait()
PY
