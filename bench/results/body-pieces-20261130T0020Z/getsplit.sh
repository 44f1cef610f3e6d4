#!/usr/bin/env bash
# 10k -c8 5 s, 100-record -c64 5 s, then GET / -c64 as runs of 2 s, 3 s and 5 s back to back
set -u
. "$(dirname "$0")/lib.sh"
start_meridian 3901
post 8 body_10k.json 5 >/dev/null; post 64 body_100.json 5 >/dev/null
for d in 2 3 5; do echo "  ${d}s: $(wrk -t1 -c64 -d${d}s --latency "$url/" | grep -E "Requests/sec|  99%" | tr -s ' ' | paste -sd ' ')"; done
stop_server
