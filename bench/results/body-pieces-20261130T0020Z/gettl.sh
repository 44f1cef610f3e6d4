#!/usr/bin/env bash
set -u
cd /work/main; A=/tmp/meridian-anchor-sbs
JAVA_TOOL_OPTIONS="${JTO:-}" setsid ./meridian serve --port 3901 --tcp-port 0 --db off --refs /work/shared/tools/seed_refs.csv >/tmp/srv.log 2>&1 & pid=$!
url=http://127.0.0.1:3901
for _ in $(seq 600); do curl -fs "$url/health" >/dev/null 2>&1 && break; sleep 0.05; done
jp=$(pgrep -f "meridian.jar serve --port 3901" | head -1)
BODY_FILE=$A/body_10k.json wrk -t1 -c8 -d8s --timeout 30s -s $A/enrich.lua $url/enrich >/dev/null; BODY_FILE=$A/body_10k.json wrk -t1 -c64 -d8s --timeout 30s -s $A/enrich.lua $url/enrich >/dev/null; BODY_FILE=$A/body_100.json wrk -t1 -c64 -d8s --timeout 30s -s $A/enrich.lua $url/enrich >/dev/null
for d in 1 1 1 1 1 1 1 1; do echo -n "$(wrk -t1 -c64 -d${d}s --latency $url/ | grep -E "Requests/sec|  99%" | awk '{print $2}' | paste -sd '/') "; done; echo
kill $jp; wait $pid 2>/dev/null; sleep 1
