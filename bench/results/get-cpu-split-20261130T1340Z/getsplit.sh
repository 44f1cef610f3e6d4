#!/bin/bash
# GET / -c 64 for 8 s after warm-up: user and sys CPU per request of the server
cd /work/main
A=/tmp/meridian-anchor-sbs
for r in 1 2 3; do
for who in anchor meridian; do
  if [ $who = anchor ]; then setsid $A/target/release/enrich_server 127.0.0.1:3900 > /dev/null 2>&1 & pid=$!; url=http://127.0.0.1:3900; JPID=$pid
  else setsid ./meridian serve --port 3900 --tcp-port 0 --db off --refs /work/shared/tools/seed_refs.csv > /dev/null 2>&1 & pid=$!; url=http://127.0.0.1:3900; fi
  for i in $(seq 200); do curl -fs $url/ >/dev/null && break; sleep 0.05; done
  [ $who = meridian ] && JPID=$(pgrep -f 'meridian.jar serve' | head -1)
  BODY_FILE=$A/body_100.json wrk -t1 -c64 -d4s -s $A/enrich.lua $url/enrich > /dev/null
  wrk -t1 -c64 -d3s $url/ > /dev/null
  read U0 S0 < <(awk '{print $14, $15}' /proc/$JPID/stat)
  wrk -t1 -c64 -d8s $url/ > /tmp/prof/w.txt
  read U1 S1 < <(awk '{print $14, $15}' /proc/$JPID/stat)
  n=$(awk '/requests in/{print $1}' /tmp/prof/w.txt)
  echo "$who $(grep Requests/sec /tmp/prof/w.txt) user_us $(echo "($U1-$U0)*10000/$n" | bc -l | cut -c1-5) sys_us $(echo "($S1-$S0)*10000/$n" | bc -l | cut -c1-5)"
  kill -- -$pid; wait $pid 2>/dev/null; sleep 1
done; done
