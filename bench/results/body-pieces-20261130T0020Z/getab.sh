#!/usr/bin/env bash
# MODE=a: GET warm 5 s; MODE=b: 10k -c8 5 s + 100 -c64 5 s, GET warm 5 s (none with NOWARM=1); then GET 10 s
set -u
. "$(dirname "$0")/lib.sh"
start_meridian 3901
if [ "$MODE" = b ]; then post 8 body_10k.json 5 >/dev/null; post 64 body_100.json 5 >/dev/null; fi
[ -z "${NOWARM:-}" ] && wrk -t1 -c64 -d5s "$url/" >/dev/null
t0=$(cpu $jp); r=$(wrk -t1 -c64 -d10s --latency "$url/"); t1=$(cpu $jp)
n=$(echo "$r" | grep "requests in" | awk '{print $1}')
echo "$MODE: $(echo "$r" | grep -E "Requests/sec|  99%" | tr -s ' ' | paste -sd ' ') cpu $(( (t1-t0)*10000000/n/1000 )) us/req thr $(ls /proc/$jp/task | wc -l)"
stop_server
