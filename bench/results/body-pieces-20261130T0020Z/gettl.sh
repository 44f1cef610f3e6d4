#!/usr/bin/env bash
# 10k -c8, 10k -c64, 100-record -c64 (8 s each), then eight 1-second GET / runs: p99/req/s of each
set -u
. "$(dirname "$0")/lib.sh"
start_meridian 3901
post 8 body_10k.json 8 >/dev/null; post 64 body_10k.json 8 >/dev/null; post 64 body_100.json 8 >/dev/null
for _ in 1 2 3 4 5 6 7 8; do echo -n "$(wrk -t1 -c64 -d1s --latency "$url/" | grep -E "Requests/sec|  99%" | awk '{print $2}' | paste -sd '/') "; done; echo
stop_server
