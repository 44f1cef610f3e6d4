#!/bin/bash
# peak.sh ROOT PORT "flags" [serve args]: 10k c8 6s, 10k c64 10s, 100 c64 6s; HWM (env passes through)
ROOT=$1; PORT=$2; FLAGS=$3; shift 3
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin; A=/tmp/lean/anchor; cd $ROOT
MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2} setsid $J/java -XX:+ExitOnOutOfMemoryError --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -Xms16m $FLAGS -XX:AOTCache=cli/target/meridian-serve.aot -Xlog:aot=off -Xlog:cds=off -jar cli/target/meridian.jar serve --port $PORT --tcp-port 0 --db off --refs /work/shared/tools/seed_refs.csv "$@" > /tmp/lean/peak-$PORT.log 2>&1 & pid=$!
for i in $(seq 200); do curl -fs http://127.0.0.1:$PORT/health >/dev/null && break; sleep 0.05; done
curl -s -H 'Content-Type: application/json' --data-binary @$A/body_100.json http://127.0.0.1:$PORT/enrich >/dev/null; sleep 1; idle=$(grep VmRSS /proc/$pid/status | awk '{print $2}')
a=$(BODY_FILE=$A/body_10k.json wrk -t1 -c8 -d6s --timeout 30s -s $A/enrich.lua http://127.0.0.1:$PORT/enrich | awk '/Requests\/sec/ {print $2}')
b=$(BODY_FILE=$A/body_10k.json wrk -t1 -c64 -d10s --timeout 30s -s $A/enrich.lua http://127.0.0.1:$PORT/enrich | awk '/Requests\/sec/ {print $2} /Non-2xx/ {print "non2xx=" $NF}' | tr '\n' ' ')
c=$(BODY_FILE=$A/body_100.json wrk -t1 -c64 -d6s --timeout 30s -s $A/enrich.lua http://127.0.0.1:$PORT/enrich | awk '/Requests\/sec/ {print $2}')
echo "load $(cut -d' ' -f1 /proc/loadavg) [$FLAGS $* env:${MALLOC_MMAP_THRESHOLD_:-}] idle=$((idle/1024))MB 10k8=$a 10k64=$b 100=$c HWM=$(( $(grep VmHWM /proc/$pid/status | awk '{print $2}') / 1024 ))MB"
kill $pid; wait $pid 2>/dev/null
