# idle.py TREE PORT HEAP(0/1) [serve opts]: ready, one /enrich, 2 s idle, VmRSS; with HEAP=1 then a full GC and the heap used
import os, signal, socket, subprocess, sys, time, urllib.request
root, port, heap, opts = sys.argv[1], sys.argv[2], sys.argv[3] == "1", sys.argv[4:]
p = subprocess.Popen([os.path.join(root, "meridian"), "serve", "--port", port] + opts, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
t0 = time.monotonic()
while time.monotonic() - t0 < 30:
    try:
        if urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1).status == 200: break
    except Exception: pass
    time.sleep(0.01)
body = b'[{"id":1,"point":{"lat":48.8566,"lon":2.3522},"payload":[1.0]}]'
t1 = time.monotonic()
r = urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}/enrich", data=body, headers={"Content-Type": "application/json"}))
ans = r.read(); first_ms = (time.monotonic() - t1) * 1000
time.sleep(2)
rss = open(f"/proc/{p.pid}/status").read().split("VmRSS:")[1].split("\n")[0].strip()
out = f"first enrich {first_ms:.0f} ms; VmRSS {rss}; answer {ans[:160]!r}"
if heap:
    jcmd = os.environ["JAVA_HOME"] + "/bin/jcmd"
    subprocess.run([jcmd, str(p.pid), "GC.run"], capture_output=True)
    hi = subprocess.run([jcmd, str(p.pid), "GC.heap_info"], capture_output=True, text=True).stdout
    out += "\n" + " | ".join(l.strip() for l in hi.splitlines() if "total" in l or "used" in l)
print(out)
os.killpg(p.pid, signal.SIGTERM); p.wait()
