#!/usr/bin/env bash
# -XX:PerMethodTrapLimit=0 in the launcher's serve defaults (on) or not (off, the line taken out of
# scripts/jvm-defaults.sh for the start), alternated: 10k -c8 10 s (warm-up), then measured: 10k -c8 10 s,
# 100-record -c64 10 s, GET / -c64 10 s; req/s, p99, the server's CPU per request, the JIT threads' CPU.
set -u
. "$(dirname "$0")/../body-pieces-20261130T0020Z/lib.sh"
J="$ROOT/scripts/jvm-defaults.sh"
jit() { local s=0 t; for t in /proc/$1/task/*; do grep -q Compiler "$t/comm" 2>/dev/null && s=$((s + $(awk '{print $14+$15}' "$t/stat"))); done; echo $s; }
measure() { # $1 label, rest: the wrk run
  local label=$1; shift
  local t0 j0 r t1 j1 n
  t0=$(cpu $jp); j0=$(jit $jp); r=$("$@"); t1=$(cpu $jp); j1=$(jit $jp)
  n=$(echo "$r" | grep "requests in" | awk '{print $1}')
  echo -n "$label $(echo "$r" | grep -E "Requests/sec" | awk '{print $2}') req/s p99 $(echo "$r" | grep '  99%' | awk '{print $2}') cpu $(awk -v c=$((t1-t0)) -v n=$n 'BEGIN{printf "%.1f", c*1e4/n}') us JIT $((j1-j0))0 ms | "
}
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
