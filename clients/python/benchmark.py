"""Points per second of `search` (HTTP) and `stream` (TCP) from Python against a running service.

    python3 clients/python/benchmark.py --url http://127.0.0.1:8080 --tcp-port 9090 --points 100000 --rounds 3

The two are alternated round by round (the machine may be shared: alternating spreads its noise over both);
each round uses the same random points (seeded). Prints one line per round and the median of each.
"""

import argparse
import os
import random
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from meridian import Client  # noqa: E402


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
    rates = {"search": [], "stream": []}
    for r in range(a.rounds):
        for name in ("search", "stream") if r % 2 == 0 else ("stream", "search"):
            t = time.perf_counter()
            n = len(c.search(points)) if name == "search" else sum(1 for _ in c.stream(points))
            dt = time.perf_counter() - t
            assert n == len(points)
            rates[name].append(n / dt)
            print("round %d %-6s %9.0f points/s" % (r + 1, name, n / dt), flush=True)
    for name, v in rates.items():
        print("median %-6s %9.0f points/s" % (name, statistics.median(v)))


if __name__ == "__main__":
    main()
