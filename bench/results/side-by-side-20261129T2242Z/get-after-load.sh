#!/bin/bash
# getseq.sh who(anchor|meridian) seq(A|B): A = GET warm 5s then GET 10s; B = 10k c8 5s, 10k c64 8s, 100 c64 8s, then GET 10s
A=/tmp/meridian-anchor-sbs; cd /work/main
if [ $1 = anchor ]; then $A/target/release/enrich_server 127.0.0.1:3900 > /dev/null 2>&1 & pid=$!; url=http://127.0.0.1:3900; sleep 0.3
else ./meridian serve --port 3901 --tcp-port 0 --db off --refs ../shared/tools/seed_refs.csv > /dev/null 2>&1 & for _ in $(seq 200); do curl -fs http://127.0.0.1:3901/health >/dev/null && break; sleep 0.05; done; pid=$(pgrep -f "meridian.jar serve --port 3901"); [ -n "$pid" ] || exit 1; url=http://127.0.0.1:3901; fi
if [ $2 = A ]; then wrk -t1 -c64 -d5s $url/ > /dev/null
else BODY_FILE=$A/body_10k.json wrk -t1 -c8 -d5s --timeout 30s -s $A/enrich.lua $url/enrich > /dev/null; BODY_FILE=$A/body_10k.json wrk -t1 -c64 -d8s --timeout 30s -s $A/enrich.lua $url/enrich > /dev/null; BODY_FILE=$A/body_100.json wrk -t1 -c64 -d8s --timeout 30s -s $A/enrich.lua $url/enrich > /dev/null; fi
echo "$1 $2: $(wrk -t1 -c64 -d10s $url/ | grep Requests/sec)"
kill $pid; wait $pid 2>/dev/null; sleep 1
