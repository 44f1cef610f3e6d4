#!/usr/bin/env bash
# ab100.sh ROOT LABEL: 100-record -c64 (5 s warm, 10 s measured): req/s, p99, server CPU per request
set -u
R=$1; A=/tmp/meridian-anchor-sbs
cd $R; setsid ./meridian serve --port 3905 --tcp-port 0 --db off --refs /work/shared/tools/seed_refs.csv >/tmp/srvx.log 2>&1 & pid=$!
url=http://127.0.0.1:3905
for _ in $(seq 600); do curl -fs "$url/health" >/dev/null 2>&1 && break; sleep 0.05; done
jp=$(pgrep -f "meridian.jar serve --port 3905" | head -1)
cpu() { awk '{print $14+$15}' /proc/$1/stat; }
BODY_FILE=$A/body_100.json wrk -t1 -c64 -d5s --timeout 30s -s $A/enrich.lua $url/enrich >/dev/null
t0=$(cpu $jp); r=$(BODY_FILE=$A/body_100.json wrk -t1 -c64 -d10s --timeout 30s --latency -s $A/enrich.lua $url/enrich); t1=$(cpu $jp)
n=$(echo "$r" | grep "requests in" | awk '{print $1}')
echo "$2: $(echo "$r" | grep -E "Requests/sec|  99%" | awk '{print $2}' | paste -sd ' ') cpu $(( (t1-t0)*10000000/n/1000 )) us/req"
kill $jp; wait $pid 2>/dev/null; sleep 1
