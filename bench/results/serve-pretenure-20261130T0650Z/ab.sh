#!/usr/bin/env bash
# ./meridian serve with the bundled cities (the default reference set), with and without
# -XX:PretenureSizeThreshold=512k (JAVA_TOOL_OPTIONS), alternated: idle RSS once ready, then 10k -c8 10 s of
# warm-up and 10 s each of 10k -c8, 100-record -c64, GET / -c64 (req/s, p99, CPU per request), peak RSS.
set -u
. "$(dirname "$0")/../body-pieces-20261130T0020Z/lib.sh"
SEED="" # not used: the cities
start_cities() { # JTO as in lib.sh
  (cd "$ROOT" && JAVA_TOOL_OPTIONS="${JTO:-}" setsid ./meridian serve --port 3901 --tcp-port 0 --db off \
    >/tmp/meridian-bench-serve.log 2>&1) & pid=$!
  url=http://127.0.0.1:3901
  for _ in $(seq 600); do curl -fs "$url/health" >/dev/null 2>&1 && break; sleep 0.05; done
  jp=$(pgrep -f "meridian.jar serve --port 3901" | head -1)
}
measure() {
  local label=$1; shift
  local t0 r t1 n
  t0=$(cpu $jp); r=$("$@"); t1=$(cpu $jp)
  n=$(echo "$r" | grep "requests in" | awk '{print $1}')
  echo -n "$label $(echo "$r" | grep -E "Requests/sec" | awk '{print $2}') req/s p99 $(echo "$r" | grep '  99%' | awk '{print $2}') cpu $(awk -v c=$((t1-t0)) -v n=$n 'BEGIN{printf "%.1f", c*1e4/n}') us | "
}
for p in $(seq "${PAIRS:-3}"); do
  for v in - -XX:PretenureSizeThreshold=512k; do
    JTO=$([ "$v" = - ] || echo "$v") start_cities
    sleep 1
    echo -n "pair $p $v: idle RSS $(grep VmRSS /proc/$jp/status | awk '{print $2}') kB | "
    post 8 body_10k.json 10 >/dev/null
    measure "10k c8" post 8 body_10k.json 10 --latency
    measure "100 c64" post 64 body_100.json 10 --latency
    measure "GET /" wrk -t1 -c64 -d10s --latency "$url/"
    echo "peak RSS $(grep VmHWM /proc/$jp/status | awk '{print $2}') kB"
    stop_server
  done
done
