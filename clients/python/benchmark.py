"""Points per second of `search` (HTTP) and `stream` (TCP) from Python against a running service.

    python3 clients/python/benchmark.py --url http://127.0.0.1:8080 --tcp-port 9090 --points 100000 --rounds 3

The anchor is what a user writes without the client: ``http.client`` POSTs of 10,000 records built with
``json.dumps`` and answers read with ``json.loads`` (brief places, so it does less than ``search``). The
three are alternated round by round (the machine may be shared: alternating spreads its noise over all);
each round uses the same random points (seeded). Prints one line per round and the median of each.
"""

import argparse
import http.client
import json
import os
import random
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from meridian import Client  # noqa: E402


def anchor(url, points):
    host, port = url.split("//", 1)[1].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=120)
    out = []
    for start in range(0, len(points), 10_000):
        body = json.dumps([{"id": i, "point": {"lat": lat, "lon": lon}}
                           for i, (lat, lon) in enumerate(points[start:start + 10_000], start)])
        conn.request("POST", "/enrich", body, {"Content-Type": "application/json"})
        res = conn.getresponse()
        out.extend(r["nearest"] for r in json.loads(res.read()))
    conn.close()
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", default="http://127.0.0.1:8080")
    ap.add_argument("--tcp-port", type=int, default=9090)
    ap.add_argument("--points", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    points = [(rng.uniform(-60, 70), rng.uniform(-180, 180)) for _ in range(a.points)]
    c = Client(a.url, tcp_port=a.tcp_port)
    c.search(points[:1000])  # warm-up: connections, JIT on the service side
    sum(1 for _ in c.stream(points[:1000]))
    rates = {"anchor": [], "search": [], "stream": []}
    runs = {
        "anchor": lambda: len(anchor(a.url, points)),
        "search": lambda: len(c.search(points)),
        "stream": lambda: sum(1 for _ in c.stream(points)),
    }
    order = list(runs)
    for r in range(a.rounds):
        for name in order[r % 3:] + order[:r % 3]:
            t = time.perf_counter()
            n = runs[name]()
            dt = time.perf_counter() - t
            assert n == len(points)
            rates[name].append(n / dt)
            print("round %d %-6s %9.0f points/s" % (r + 1, name, n / dt), flush=True)
    base = statistics.median(rates["anchor"])
    for name, v in rates.items():
        m = statistics.median(v)
        print("median %-6s %9.0f points/s  %.2fx the anchor" % (name, m, m / base))


if __name__ == "__main__":
    main()
