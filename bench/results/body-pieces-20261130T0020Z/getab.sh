#!/usr/bin/env bash
# MODE=a: GET warm 5s; MODE=b: 10k c8 5s + 100 c64 5s, GET warm 5s; then GET 10s
set -u
cd /work/main; A=/tmp/meridian-anchor-sbs
JAVA_TOOL_OPTIONS="${JTO:-}" setsid ./meridian serve --port 3901 --tcp-port 0 --db off --refs /work/shared/tools/seed_refs.csv >/tmp/srv.log 2>&1 & pid=$!
url=http://127.0.0.1:3901
for _ in $(seq 600); do curl -fs "$url/" >/dev/null 2>&1 && break; sleep 0.05; done
jp=$(pgrep -f "meridian.jar serve --port 3901")
if [ $MODE = b ]; then BODY_FILE=$A/body_10k.json wrk -t1 -c8 -d5s --timeout 30s -s $A/enrich.lua $url/enrich >/dev/null; BODY_FILE=$A/body_100.json wrk -t1 -c64 -d5s --timeout 30s -s $A/enrich.lua $url/enrich >/dev/null; fi
[ -z "${NOWARM:-}" ] && wrk -t1 -c64 -d5s $url/ >/dev/null
cpu() { awk '{print $14+$15}' /proc/$1/stat; }
t0=$(cpu $jp); r=$(wrk -t1 -c64 -d10s --latency $url/); t1=$(cpu $jp)
n=$(echo "$r" | grep "requests in" | awk '{print $1}')
echo "$MODE: $(echo "$r" | grep -E "Requests/sec|  99%" | tr -s ' ' | paste -sd ' ') cpu $(( (t1-t0)*10000000/n/1000 )) us/req thr $(ls /proc/$jp/task | wc -l)"
kill $jp; wait $pid 2>/dev/null
