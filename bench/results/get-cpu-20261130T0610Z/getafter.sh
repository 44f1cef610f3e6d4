#!/usr/bin/env bash
# GET / for 10 s right after POST-only load, as side_by_side.sh orders it (10k -c8 10 s, 100 -c64 10 s), the
# anchor and Meridian alternated. PAIRS (default 3); VARIANTS: space-separated JAVA_TOOL_OPTIONS for Meridian
# ("," for spaces; "-" for none; default "-"). Prints GET req/s, p99, the server's CPU per GET (from /proc),
# and for Meridian the CPU its JIT compiler threads took during the GET run.
set -u
. "$(dirname "$0")/../body-pieces-20261130T0020Z/lib.sh" # the service and the anchor, started as there
jit() { # CPU ticks of the JIT compiler threads of $1
  local s=0 t
  for t in /proc/$1/task/*; do
    grep -q 'Compiler' "$t/comm" 2>/dev/null && s=$((s + $(awk '{print $14+$15}' "$t/stat")))
  done
  echo $s
}
get_after_post() { # $1 label
  post 8 body_10k.json 10 >/dev/null; post 64 body_100.json 10 >/dev/null
  local t0 t1 j0 j1 r n
  t0=$(cpu $jp); j0=$(jit $jp); r=$(wrk -t1 -c64 -d10s --latency "$url/"); t1=$(cpu $jp); j1=$(jit $jp)
  n=$(echo "$r" | grep "requests in" | awk '{print $1}')
  echo "$1: $(echo "$r" | grep -E "Requests/sec|  99%" | tr -s ' ' | paste -sd ' ') cpu $(awk -v c=$((t1-t0)) -v n=$n 'BEGIN{printf "%.2f", c*1e4/n}') us/req, JIT $((j1-j0))0 ms"
}
for p in $(seq "${PAIRS:-3}"); do
  start_anchor 3900; get_after_post "pair $p anchor"; stop_server
  for v in ${VARIANTS:--}; do
    JTO=$([ "$v" = - ] || echo "$v" | tr , ' ') start_meridian 3901; get_after_post "pair $p meridian ${v}"; stop_server
  done
done
