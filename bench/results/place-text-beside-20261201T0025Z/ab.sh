#!/bin/bash
# ab2.sh BASE PAIRS KIND(proc|agg|aggp|pipe) : alternated order; prints label, wall, user, sys, printed
BASE=$1; PAIRS=$2; KIND=$3
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
T=/work/main/bench/results/tmp
case $KIND in
  proc) ARGS=(process $T/points-near.csv --refs cities --out /dev/shm/o.csv) ;;
  uni) ARGS=(process $T/points-uniform.csv --refs cities --out /dev/shm/o.csv) ;;
  agg) ARGS=(aggregate $T/events-1000000.csv --no-places --out /dev/shm/o.csv) ;;
  aggp) ARGS=(aggregate $T/events-1000000.csv --out /dev/shm/o.csv) ;;
  k3) ARGS=(process $T/points-near.csv --refs cities -k 3 --out /dev/shm/o.csv) ;;
esac
one() { (cd $1 && env JDK_JAVA_OPTIONS=-Xmx256m /usr/bin/time -f "%e %U %S" ./meridian "${ARGS[@]}" 2>&1 </dev/null | grep -v Picked | tail -2) | awk -v w=$2 '/MB\/s/ { sub(/.* s: [0-9,]* rows\/s, /, ""); sub(/ \(.*/, ""); p=$0; next } { printf "%s %s s %s u %s s  %s\n", w, $1, $2, $3, p }'; }
for d in /work/main $BASE; do for i in 1 2; do (cd $d; ./meridian "${ARGS[@]}" >/dev/null 2>&1 </dev/null); done; done
for r in $(seq $PAIRS); do
  if [ $((r % 2)) = 1 ]; then one /work/main new; one $BASE old; else one $BASE old; one /work/main new; fi
done
