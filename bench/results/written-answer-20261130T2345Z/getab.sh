#!/bin/bash
# getab.sh ROUNDS BASE_DIR: GET / -c64 CPU per request, ./meridian serve of /work/main (new) against BASE_DIR (old), alternated
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
R=$1; BASE=$2
one() {
  (cd $2 && setsid ./meridian serve --port 3901 --tcp-port 0 --db off --refs /work/shared/tools/seed_refs.csv >/tmp/exp/s.log 2>&1 &)
  for _ in $(seq 100); do curl -fs localhost:3901/health >/dev/null 2>&1 && break; sleep 0.1; done
  pid=$(pgrep -f "meridian.jar serve --port 3901")
  wrk -t1 -c64 -d5s http://127.0.0.1:3901/ >/dev/null
  s0=$(awk '{print $14+$15, $14}' /proc/$pid/stat)
  out=$(wrk -t1 -c64 -d10s http://127.0.0.1:3901/)
  s1=$(awk '{print $14+$15, $14}' /proc/$pid/stat)
  n=$(echo "$out" | awk '/requests in/ {print $1}')
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  echo "$1 rps $rps cpu $(echo $s0 $s1 $n | awk '{printf "%.2f us/req user %.2f", ($3-$1)*10000/$5, ($4-$2)*10000/$5}')"
  kill $pid; while kill -0 $pid 2>/dev/null; do sleep 0.1; done
}
for d in /work/main $BASE; do for i in 1 2; do
  (cd $d && setsid ./meridian serve --port 3901 --tcp-port 0 --db off --refs /work/shared/tools/seed_refs.csv >/dev/null 2>&1 &)
  for _ in $(seq 300); do curl -fs localhost:3901/health >/dev/null 2>&1 && break; sleep 0.1; done; sleep 4
  pid=$(pgrep -f "meridian.jar serve --port 3901"); kill $pid; while kill -0 $pid 2>/dev/null; do sleep 0.1; done; sleep 6
done; done
for r in $(seq $R); do
  if [ $((r % 2)) = 1 ]; then one new /work/main; one old $BASE; else one old $BASE; one new /work/main; fi
done
