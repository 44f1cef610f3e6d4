"""Starts a real `meridian serve` from the built jar for the tests, on free ports, with a throw-away database."""

import glob
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


def java():
    home = os.environ.get("JAVA_HOME")
    candidates = [os.path.join(home, "bin", "java")] if home else []
    candidates += sorted(glob.glob("/usr/lib/jvm/*25*/bin/java"))
    for c in candidates:
        if os.access(c, os.X_OK):
            out = subprocess.run([c, "-version"], capture_output=True, text=True).stderr
            m = re.search(r'version "(\d+)', out)
            if m and int(m.group(1)) >= 25:
                return c
    raise RuntimeError("no JDK 25 found (set JAVA_HOME)")


def jar():
    path = os.environ.get("MERIDIAN_JAR", os.path.join(ROOT, "cli", "target", "meridian.jar"))
    if not os.path.exists(path):
        raise RuntimeError("%s is missing: build it with `mvn -DskipTests package -pl cli -am`" % path)
    return path


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`meridian serve --port 0` in a temp dir; ``url`` and ``tcp_port`` once it is listening."""

    def __init__(self, *args):
        self.dir = tempfile.mkdtemp(prefix="meridian-py-")
        self.tcp_port = free_port()
        self.lines = []
        cmd = [java(), "-XX:+UseSerialGC", "-jar", jar(), "serve", "--port", "0",
               "--tcp-port", str(self.tcp_port), "--db", "embedded", *args]
        self.proc = subprocess.Popen(cmd, cwd=self.dir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.url = None
        started = threading.Event()

        def pump():
            for line in self.proc.stdout:
                self.lines.append(line)
                m = re.search(r"HTTP\s+(http://[^/\s]+)/", line)
                if m:
                    self.url = m.group(1)
                if "started in" in line:
                    started.set()
            started.set()

        threading.Thread(target=pump, daemon=True).start()
        if not started.wait(180) or self.url is None or self.proc.poll() is not None:
            self.stop()
            raise RuntimeError("meridian serve did not start:\n" + "".join(self.lines))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


_shared = None
_lock = threading.Lock()


def shared():
    """One server for the whole test run (starting one loads 200,000 places: seconds)."""
    global _shared
    with _lock:
        if _shared is None:
            _shared = Server()
            import atexit
            atexit.register(_shared.stop)
        return _shared


def wait_until(condition, seconds=30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False
