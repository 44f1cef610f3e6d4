#!/bin/bash
# GET / user and system CPU per request of the server, three alternated rounds, each after 4 s of 100-record POSTs
# and 3 s of GET warm-up, then 8 s of GET / at wrk -t1 -c64 (utime and stime from /proc over those 8 s divided by
# the requests answered). Two seed places, --db off.
#   get-cpu.sh            the anchor against ./meridian serve of /work/main
#   get-cpu.sh OTHER_DIR  ./meridian serve of /work/main ("new") against that of another checkout ("old")
# (bench/cpu-per-request.sh now prints the same split against the anchor.)
A=/tmp/meridian-anchor-sbs
OTHER=${1:-}
for r in 1 2 3; do
for who in $([ -n "$OTHER" ] && echo "new old" || echo "anchor meridian"); do
  R=/work/main; [ "$who" = old ] && R=$OTHER
  cd $R
  if [ "$who" = anchor ]; then setsid $A/target/release/enrich_server 127.0.0.1:3900 > /dev/null 2>&1 & pid=$!
  else setsid ./meridian serve --port 3900 --tcp-port 0 --db off --refs /work/shared/tools/seed_refs.csv > /dev/null 2>&1 & pid=$!; fi
  url=http://127.0.0.1:3900
  for i in $(seq 400); do curl -fs $url/ >/dev/null && break; sleep 0.05; done
  JPID=$pid; [ "$who" = anchor ] || JPID=$(pgrep -f 'meridian.jar serve' | head -1)
  BODY_FILE=$A/body_100.json wrk -t1 -c64 -d4s -s $A/enrich.lua $url/enrich > /dev/null
  wrk -t1 -c64 -d3s $url/ > /dev/null
  read U0 S0 < <(awk '{print $14, $15}' /proc/$JPID/stat)
  wrk -t1 -c64 -d8s $url/ > /tmp/get-cpu-wrk.txt
  read U1 S1 < <(awk '{print $14, $15}' /proc/$JPID/stat)
  n=$(awk '/requests in/{print $1}' /tmp/get-cpu-wrk.txt)
  echo "$who $(grep Requests/sec /tmp/get-cpu-wrk.txt) user_us $(echo "($U1-$U0)*10000/$n" | bc -l | cut -c1-5) sys_us $(echo "($S1-$S0)*10000/$n" | bc -l | cut -c1-5)"
  kill -- -$pid; wait $pid 2>/dev/null; sleep 1
done; done
