#!/usr/bin/env bash
cd /work/main; export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
P=$1; A=$2; B=$3
run() { { cat bench/results/tmp/points-near-10m.csv; tail -n +2 bench/results/tmp/points-near-10m.csv; } | /usr/bin/time -f "wall %e cpu %U+%S rss %M" env JDK_JAVA_OPTIONS="$1" ./meridian process - --refs cities --out /dev/null 2>&1 | grep -v NOTE | grep -o "in [0-9.]* s.*MB/s\|wall.*" | tr '\n' ' '; echo; }
for i in $(seq $P); do
  if [ $((i % 2)) = 1 ]; then echo "A $(run "$A")"; echo "B $(run "$B")"; else echo "B $(run "$B")"; echo "A $(run "$A")"; fi
done
