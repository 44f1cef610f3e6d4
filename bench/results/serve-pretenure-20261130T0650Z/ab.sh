#!/usr/bin/env bash
# ./meridian serve with the bundled cities (the default reference set), with and without
# -XX:PretenureSizeThreshold=512k (JAVA_TOOL_OPTIONS), alternated: idle RSS once ready, then 10k -c8 10 s of
# warm-up and 10 s each of 10k -c8, 100-record -c64, GET / -c64 (req/s, p99, CPU per request), peak RSS.
set -u
. "$(dirname "$0")/../body-pieces-20261130T0020Z/lib.sh"
SEED="" # the bundled cities
for p in $(seq "${PAIRS:-3}"); do
  for v in - -XX:PretenureSizeThreshold=512k; do
    JTO=$([ "$v" = - ] || echo "$v") start_meridian 3901
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
