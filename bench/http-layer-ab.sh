#!/usr/bin/env bash
# A/B of two builds of the runnable jar (e.g. two HTTP layers with the same codec): GET / and a 100-record
# POST /enrich at wrk -t1 -c64, the same JVM flags, alternated; prints req/s, p99 and the server's CPU time
# per request (utime+stime from /proc over the run), which is what stays comparable on a busy machine.
#   bench/http-layer-ab.sh A.jar B.jar [ROUNDS=2] [PORT=18101]
set -u
A=${1:?usage: http-layer-ab.sh A.jar B.jar [ROUNDS] [PORT]}; B=${2:?}; ROUNDS=${3:-2}; PORT=${4:-18101}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/jdk.sh"
meridian_find_jdk
W=$(mktemp -d)
. "$ROOT/bench/wrk-post.sh"
meridian_wrk_post "$W"
for r in $(seq 1 "$ROUNDS"); do
  for jar in "$A" "$B"; do
    "$JAVA_HOME/bin/java" -XX:+UseSerialGC -Xms64m -Xmx256m --enable-native-access=ALL-UNNAMED -jar "$jar" serve \
      --port "$PORT" --tcp-port 0 --db off --refs "$ROOT/bench/refs-sf-la.csv" >"$W/server.log" 2>&1 & pid=$!
    for _ in $(seq 400); do curl -fs "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.05; done
    wrk -t1 -c64 -d5s -s "$W/post.lua" "http://127.0.0.1:$PORT/enrich" >/dev/null   # warm-up
    wrk -t1 -c64 -d5s "http://127.0.0.1:$PORT/" >/dev/null
    t0=$(cpu $pid); wrk -t1 -c64 -d10s --latency "http://127.0.0.1:$PORT/" >"$W/get.txt"
    t1=$(cpu $pid); wrk -t1 -c64 -d10s --latency -s "$W/post.lua" "http://127.0.0.1:$PORT/enrich" >"$W/post.txt"
    t2=$(cpu $pid)
    gn=$(grep "requests in" "$W/get.txt" | awk '{print $1}'); pn=$(grep "requests in" "$W/post.txt" | awk '{print $1}')
    echo "r$r $(basename "$jar"): GET / $(field "$W/get.txt" Requests/sec) req/s p99 $(field "$W/get.txt" ' 99%')" \
      "cpu $(( (t1 - t0) * 10000000 / gn / 1000 )) us/req | enrich 100 $(field "$W/post.txt" Requests/sec) req/s" \
      "p99 $(field "$W/post.txt" ' 99%') cpu $(( (t2 - t1) * 10000000 / pn / 1000 )) us/req | load $(cut -d' ' -f1-3 /proc/loadavg)"
    kill "$pid"; wait "$pid" 2>/dev/null; sleep 1
  done
done
rm -rf "$W"
