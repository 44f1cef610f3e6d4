#!/usr/bin/env bash
set -u
cd /work/main; A=/tmp/meridian-anchor-sbs
if [ "${WHO:-m}" = a ]; then setsid $A/target/release/enrich_server 127.0.0.1:3901 >/tmp/srv.log 2>&1 & pid=$!; else
setsid ./meridian serve --port 3901 --tcp-port 0 --db off --refs /work/shared/tools/seed_refs.csv ${EXTRA:-} >/tmp/srv.log 2>&1 & pid=$!; fi
url=http://127.0.0.1:3901
for _ in $(seq 600); do curl -fs "$url/" >/dev/null 2>&1 && break; sleep 0.05; done
if [ "${WHO:-m}" = a ]; then jp=$pid; else jp=$(pgrep -f "meridian.jar serve --port 3901"); fi
cpu() { awk '{print $14+$15}' /proc/$1/stat; }
BODY_FILE=$A/body_10k.json wrk -t1 -c64 -d10s --timeout 30s -s $A/enrich.lua $url/enrich | grep -E "Requests/sec"
p=$(cpu $jp); for i in $(seq 20); do sleep 0.1; c=$(cpu $jp); echo -n "$((c-p)) "; p=$c; done; echo
kill $jp; wait $pid 2>/dev/null
