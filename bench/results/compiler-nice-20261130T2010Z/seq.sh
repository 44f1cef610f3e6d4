#!/usr/bin/env bash
# [ROOT=CHECKOUT] seq.sh NAME [_JAVA_OPTIONS]: serve as a user starts it, 10k c8 5 s, 10k c64 15 s, then 100-record c64 15 s and GET / 5 s (the 5-s windows of notes.txt: the 100-record run as two -d5s runs)
cd ${ROOT:-/work/main} # ROOT: run another checkout's ./meridian
H=/tmp/meridian-anchor-sbs
name=$1; shift
if [ -n "${1:-}" ]; then export _JAVA_OPTIONS="$1"; else unset _JAVA_OPTIONS; fi
./meridian serve --port 3996 --tcp-port 0 --db off --refs /work/shared/tools/seed_refs.csv > /tmp/exp/s3.log 2>&1 &
for i in $(seq 80); do curl -sf http://127.0.0.1:3996/health >/dev/null && break; sleep 0.1; done
unset _JAVA_OPTIONS
pid=$(pgrep -f 'port 3996' | head -1)
rss0=$(grep VmRSS /proc/$pid/status | awk '{print $2}')
BODY_FILE=$H/body_10k.json wrk -t1 -c8 -d5s --timeout 30s -s $H/enrich.lua http://127.0.0.1:3996/enrich > /dev/null
BODY_FILE=$H/body_10k.json wrk -t1 -c64 -d15s --timeout 30s -s $H/enrich.lua http://127.0.0.1:3996/enrich > /dev/null
echo -n "$name (idle RSS $((rss0/1024)) MB): "
for i in 1; do BODY_FILE=$H/body_100.json wrk -t1 -c64 -d15s --timeout 30s --latency -s $H/enrich.lua http://127.0.0.1:3996/enrich | awk '/Requests\/sec/{r=$2} / 99%/{p=$2} END{printf "%s req/s p99 %s | ", r, p}'; done
wrk -t1 -c64 -d5s --latency http://127.0.0.1:3996/ | awk '/Requests\/sec/{r=$2} / 99%/{p=$2} END{printf "GET %s req/s p99 %s", r, p}'
echo
kill $pid; wait $pid 2>/dev/null; sleep 1
