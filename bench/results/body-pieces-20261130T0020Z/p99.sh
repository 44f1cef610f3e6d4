#!/usr/bin/env bash
# p99 of 100-record body, alone and right after 10k c64
set -u
cd /work/main; A=/tmp/meridian-anchor-sbs
setsid ./meridian serve --port 3901 --tcp-port 0 --db off --refs /work/shared/tools/seed_refs.csv ${EXTRA:-} >/tmp/srv.log 2>&1 & pid=$!
url=http://127.0.0.1:3901
for _ in $(seq 600); do curl -fs "$url/health" >/dev/null 2>&1 && break; sleep 0.05; done
jp=$(pgrep -f "meridian.jar serve --port 3901")
w() { BODY_FILE=$A/$2 wrk -t1 -c$1 -d$3s --timeout 30s --latency -s $A/enrich.lua $url/enrich | grep -E "Requests/sec|  99%|  50%|Max"; }
echo "warm 100"; w 64 body_100.json 5 >/dev/null
echo "100 alone"; w 64 body_100.json 10
echo "10k c64"; w 64 body_10k.json 10
echo "100 after"; w 64 body_100.json 10
echo "100 again"; w 64 body_100.json 10
kill $jp; wait $pid 2>/dev/null
