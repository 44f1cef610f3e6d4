#!/usr/bin/env bash
# The anchor harness's order, shortened: 10k -c8 5 s (its warm-up) and 10 s, 10k -c64 10 s, then the 100-record
# body -c64 10 s and GET / -c64 10 s, both printed (req/s, p99, server CPU per request). Alternated anchor and
# Meridian, PAIRS times; VARIANTS: space-separated MERIDIAN_JAVA_OPTS for Meridian ("-": the launcher's defaults;
# commas stand for spaces).
set -u
. "$(dirname "$0")/../body-pieces-20261130T0020Z/lib.sh" # the service and the anchor, started as there
measure() { # label, wrk arguments...
  local label=$1 t0 t1 r n; shift
  t0=$(cpu $jp); r=$("$@"); t1=$(cpu $jp)
  n=$(echo "$r" | grep "requests in" | awk '{print $1}')
  echo "  $label $(echo "$r" | grep -E "Requests/sec|  99%" | tr -s ' ' | paste -sd' ') cpu $(( (t1-t0)*10000000/n/1000 )) us/req"
}
sequence() {
  post 8 body_10k.json 5 >/dev/null; post 8 body_10k.json 10 >/dev/null; post 64 body_10k.json 10 >/dev/null
  measure "100" post 64 body_100.json 10 --latency
  measure "GET" wrk -t1 -c64 -d10s --latency "$url/"
}
for p in $(seq "${PAIRS:-3}"); do
  echo "pair $p anchor"; start_anchor 3900; sequence; stop_server
  for v in ${VARIANTS:--}; do
    echo "pair $p meridian $v"
    if [ "$v" = - ]; then start_meridian 3901; else MERIDIAN_JAVA_OPTS=$(echo "$v" | tr , ' ') start_meridian 3901; fi
    sequence; stop_server
  done
done
