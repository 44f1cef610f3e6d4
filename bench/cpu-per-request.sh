#!/usr/bin/env bash
# CPU time per request of the anchor and of `./meridian serve` (started as a user starts it), alternated:
# GET / and the 100-record POST /enrich at wrk -t1 -c64, after a warm-up of each; the server's utime+stime
# from /proc over each run divided by the requests answered (for GET /, the system part too: the kernel's share,
# one recvfrom and one sendto a request, against the user part, the HTTP stack's), and the CPU its JIT compiler
# threads took during the GET run. On a shared machine this is the comparable figure (req/s follows the machine's load). Run from
# the project root:
#   bench/cpu-per-request.sh [ROUNDS=2] [ANCHOR_BIN=/tmp/meridian-anchor-sbs/target/release/enrich_server]
# WARMUP=side-by-side: instead of the warm-up, the POST runs that ../shared/tools/side_by_side.sh makes before
# its GET / (the anchor's 10k-record body at -c 8 for 10 s, its 100-record body at -c 64 for 10 s, from
# ANCHOR_DIR, default /tmp/meridian-anchor-sbs), so that GET / meets the service as that harness leaves it.
set -u
ROUNDS=${1:-2}; ANCHOR=${2:-/tmp/meridian-anchor-sbs/target/release/enrich_server}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
W=$(mktemp -d)
. "$ROOT/bench/wrk-post.sh"
meridian_wrk_post "$W"
us() { awk -v t="$1" -v n="$2" 'BEGIN { printf "%.1f", t * 10000 / n }'; } # $1 clock ticks (10 ms) over $2 requests
for r in $(seq 1 "$ROUNDS"); do
  for who in anchor meridian; do
    if [ $who = anchor ]; then
      setsid "$ANCHOR" 127.0.0.1:3900 >"$W/server.log" 2>&1 & pid=$!; url=http://127.0.0.1:3900
    else
      setsid "$ROOT/meridian" serve --port 3901 --tcp-port 0 --db off --refs "$ROOT/bench/refs-sf-la.csv" \
        >"$W/server.log" 2>&1 & pid=$!; url=http://127.0.0.1:3901
    fi
    for _ in $(seq 600); do curl -fs "$url/" >/dev/null 2>&1 && break; sleep 0.05; done
    if [ "${WARMUP:-}" = side-by-side ]; then
      A=${ANCHOR_DIR:-/tmp/meridian-anchor-sbs}
      BODY_FILE=$A/body_10k.json wrk -t1 -c8 -d10s --timeout 30s -s "$A/enrich.lua" "$url/enrich" >/dev/null
      BODY_FILE=$A/body_100.json wrk -t1 -c64 -d10s --timeout 30s -s "$A/enrich.lua" "$url/enrich" >/dev/null
    else
      wrk -t1 -c64 -d5s -s "$W/post.lua" "$url/enrich" >/dev/null; wrk -t1 -c64 -d5s "$url/" >/dev/null
    fi
    t0=$(cpu $pid); s0=$(sys $pid); j0=$(jit $pid); wrk -t1 -c64 -d10s --latency "$url/" >"$W/get.txt"
    t1=$(cpu $pid); s1=$(sys $pid); j1=$(jit $pid); wrk -t1 -c64 -d10s --latency -s "$W/post.lua" "$url/enrich" >"$W/post.txt"
    t2=$(cpu $pid)
    gn=$(grep "requests in" "$W/get.txt" | awk '{print $1}'); pn=$(grep "requests in" "$W/post.txt" | awk '{print $1}')
    echo "r$r $who: GET / $(field "$W/get.txt" Requests/sec) req/s p99 $(field "$W/get.txt" ' 99%')" \
      "cpu $(us $((t1 - t0)) $gn) us/req (system $(us $((s1 - s0)) $gn)) JIT $(( (j1 - j0) * 10 )) ms | enrich 100 $(field "$W/post.txt" Requests/sec) req/s" \
      "p99 $(field "$W/post.txt" ' 99%') cpu $(us $((t2 - t1)) $pn) us/req | load $(cut -d' ' -f1 /proc/loadavg)"
    kill -- -$pid 2>/dev/null; wait $pid 2>/dev/null; sleep 1
  done
done
rm -rf "$W"
