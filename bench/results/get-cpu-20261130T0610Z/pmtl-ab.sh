#!/usr/bin/env bash
# -XX:PerMethodTrapLimit=0 in the launcher's serve defaults (on) or not (off, the line taken out of
# scripts/jvm-defaults.sh for the start), alternated: 10k -c8 10 s (warm-up), then measured: 10k -c8 10 s,
# 100-record -c64 10 s, GET / -c64 10 s; req/s, p99, the server's CPU per request, the JIT threads' CPU.
set -u
. "$(dirname "$0")/../body-pieces-20261130T0020Z/lib.sh"
J="$ROOT/scripts/jvm-defaults.sh"
cp "$J" /tmp/jvm-defaults.on
grep -v 'PerMethodTrapLimit=0' /tmp/jvm-defaults.on > /tmp/jvm-defaults.off
for p in $(seq "${PAIRS:-3}"); do
  for v in off on; do
    cp /tmp/jvm-defaults.$v "$J"
    start_meridian 3901
    post 8 body_10k.json 10 >/dev/null
    echo -n "pair $p $v: "
    measure "10k c8" post 8 body_10k.json 10 --latency
    measure "100 c64" post 64 body_100.json 10 --latency
    measure "GET /" wrk -t1 -c64 -d10s --latency "$url/"
    echo
    stop_server
  done
done
cp /tmp/jvm-defaults.on "$J"
