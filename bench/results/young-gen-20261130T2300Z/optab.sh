#!/usr/bin/env bash
# optab.sh PAIRS "OPTS_A" "OPTS_B" [ARGS...]: alternates two JDK_JAVA_OPTIONS on meridian process; prints MB/s and user+sys CPU
cd /work/main
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
P=$1; A=$2; B=$3; shift 3
ARGS=("$@"); [ ${#ARGS[@]} -eq 0 ] && ARGS=(process bench/results/tmp/points-near.csv --refs cities --out /dev/shm/o.csv)
run() { /usr/bin/time -f "wall %e cpu %U+%S" env JDK_JAVA_OPTIONS="$1" ./meridian "${ARGS[@]}" 2>&1 | grep -v NOTE | grep -o "in [0-9.]* s.*MB/s\|wall.*" | tr '\n' ' '; echo; }
for i in $(seq $P); do
  if [ $((i % 2)) = 1 ]; then echo "A $(run "$A")"; echo "B $(run "$B")"; else echo "B $(run "$B")"; echo "A $(run "$A")"; fi
done
