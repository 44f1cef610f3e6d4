#!/bin/bash
# usage: getcpu.sh who   (anchor|meridian) : start server, warm 3 s, measure 10 s GET / with per-process CPU
who=$1
if [ $who = anchor ]; then setsid /tmp/meridian-anchor-sbs/target/release/enrich_server 127.0.0.1:3920 >/dev/null 2>&1 & pid=$!; url=http://127.0.0.1:3920/
else setsid ./meridian serve --port 3921 --tcp-port 0 --db off --refs /work/shared/tools/seed_refs.csv >/dev/null 2>&1 & pid=$!; url=http://127.0.0.1:3921/; fi
for i in $(seq 100); do curl -fs $url >/dev/null 2>&1 && break; sleep 0.1; done
jpid=$(pgrep -f "serve --port 3921" | tail -1); [ $who = anchor ] && jpid=$pid
wrk -t1 -c64 -d3s $url >/dev/null
t0u=$(awk "{print \$14}" /proc/$jpid/stat); t0=$(awk "{print \$14+\$15}" /proc/$jpid/stat)
wrk -t1 -c64 -d10s --latency $url > /tmp/getcpu-$who.txt &
wp=$!; sleep 0.5; wpid=$(pgrep -n wrk)
sleep 9; w1=$(awk '{print $14+$15}' /proc/$wpid/stat); wait $wp
t1u=$(awk "{print \$14}" /proc/$jpid/stat); t1=$(awk "{print \$14+\$15}" /proc/$jpid/stat)
rps=$(grep Requests/sec /tmp/getcpu-$who.txt | awk '{print $2}')
echo "$who req/s=$rps server_cpu=$(( t1 - t0 )) user=$(( t1u - t0u )) ticks/10s wrk_cpu~$w1 ticks (9s) p99=$(grep ' 99%' /tmp/getcpu-$who.txt)"
[ $who = meridian ] && for t in /proc/$jpid/task/*; do echo "  $(cat $t/comm) $(awk '{print $14+$15}' $t/stat)"; done | sort -k2 -n -r | head -5
kill -- -$pid; wait $pid 2>/dev/null
