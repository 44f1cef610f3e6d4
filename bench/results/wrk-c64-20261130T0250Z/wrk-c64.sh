#!/usr/bin/env bash
# Where the 10k-record -c 64 run's time goes: the service started as a user starts it, 5 s of 10k -c 8, then
# the anchor harness's 10k -c 64 run (15 s) with wrk's own CPU time (/usr/bin/time) and the server's (/proc),
# and, with PERF=1, a 3-s perf profile of wrk in the middle of it (perf report: wrk-perf-*.txt beside this).
set -u
. "$(dirname "$0")/../body-pieces-20261130T0020Z/lib.sh" # the service and the anchor, started as there
if [ "${WHO:-meridian}" = anchor ]; then start_anchor 3900; else start_meridian 3901; fi
post 8 body_10k.json 5 >/dev/null
s0=$(cpu $jp)
if [ -n "${PERF:-}" ]; then
  (sleep 4; perf record -o /tmp/wrk-c64.perf -g -p "$(pgrep -n wrk)" -- sleep 3 >/dev/null 2>&1) &
fi
/usr/bin/time -f "wrk CPU %U s user + %S s sys in %e s" \
  env BODY_FILE="$A/body_10k.json" wrk -t1 -c64 -d15s --timeout 30s -s "$A/enrich.lua" "$url/enrich" 2>&1 \
  | grep -E "requests in|Requests/sec|wrk CPU"
echo "server CPU $(( $(cpu $jp) - s0 )) ticks (1/100 s)"
stop_server
