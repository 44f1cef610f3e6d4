#!/usr/bin/env bash
# ab.sh: /enrich 10k body throughput, old vs new launcher flags, alternated
cd /tmp/lean2; export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
export MALLOC_MMAP_THRESHOLD_=1048576 MALLOC_ARENA_MAX=2 BODY_FILE=/tmp/lean2_body.json
BASE="-XX:+ExitOnOutOfMemoryError --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -Xmx176m -Xlog:aot=off -Xlog:cds=off -Xlog:cds+dynamic=off"
OLD="$BASE -Xms16m -XX:AOTCache=/tmp/lean2/tA.aot"
NEW="$BASE -Xms8m -XX:+UnlockDiagnosticVMOptions -XX:-AOTReplayTraining -XX:CompileThresholdScaling=3 -XX:AOTCache=/tmp/lean2/tC.aot"
run() {
  local name=$1 flags=$2
  setsid $JAVA_HOME/bin/java $flags -jar /tmp/lean2/tree.jar serve --port 18210 --tcp-port 0 --db off --refs /work/shared/tools/seed_refs.csv >/dev/null 2>&1 &
  local pid=$!
  while ! curl -s -o /dev/null http://127.0.0.1:18210/health; do sleep 0.01; done
  local warm=$(wrk -t1 -c8 -d5s -s /work/shared/anchors/rust-seed/enrich.lua http://127.0.0.1:18210 2>&1 | awk "/Requests\\/sec/ {print \$2}")
  read -r -a f < <(cut -d')' -f2 /proc/$pid/stat); c0=$(( ${f[11]} + ${f[12]} ))
  local out=$(wrk -t1 -c8 -d10s -s /work/shared/anchors/rust-seed/enrich.lua http://127.0.0.1:18210 2>&1)
  read -r -a f < <(cut -d')' -f2 /proc/$pid/stat); c1=$(( ${f[11]} + ${f[12]} ))
  local rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}'); local n=$(echo "$out" | awk '/requests in/ {print $1}')
  local hwm=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
  echo "$name: warm-up $warm, then $rps req/s, $n requests, CPU $(( (c1-c0)*10 )) ms = $(( (c1-c0)*10000 / (n>0?n:1) )) us/req, peak RSS $((hwm/1024)) MB, non-2xx: $(echo "$out" | grep -c Non-2xx)"
  kill -TERM $pid; wait $pid 2>/dev/null
}
for r in 1 2; do run new "$NEW"; run old "$OLD"; done
