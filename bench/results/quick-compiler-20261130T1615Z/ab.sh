#!/bin/bash
# Short runs on the quick compiler alone: this checkout against another (BASE, the previous main), alternated,
# three pairs per input, wall and CPU from /usr/bin/time; inputs under bench/results/tmp/ (made once).
#   ab.sh BASE_DIR
set -u
BASE=$1
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
T=$ROOT/bench/results/tmp
mkdir -p "$T"
[ -f "$T/events-2000000.csv" ] || "$ROOT/bench/gen_events.sh" 2000000 > "$T/events-2000000.csv"
[ -f "$T/events-1000000.csv" ] || "$ROOT/bench/gen_events.sh" 1000000 > "$T/events-1000000.csv"
head -100001 "$T/events-1000000.csv" > "$T/events-100000.csv"
[ -f "$T/near-2000000.csv" ] || "$ROOT/bench/gen_points.sh" 2000000 7 "$ROOT/core/src/main/resources/meridian/refs/cities.csv.gz" > "$T/near-2000000.csv"
head -1000001 "$T/near-2000000.csv" > "$T/near-1000000.csv"
head -300001 "$T/near-2000000.csv" > "$T/near-300000.csv"
pair() { # label, command...
  local label=$1; shift
  for r in 1 2 3; do for w in new old; do
    d=$ROOT; [ $w = old ] && d=$BASE
    (cd "$d" && JDK_JAVA_OPTIONS=-Xmx256m /usr/bin/time -f "$label $w %e s %U u %S s" ./meridian "$@" 2>&1 >/dev/null </dev/null | grep -v Picked | tail -1)
  done; done
}
for d in "$ROOT" "$BASE"; do # the caches made before measuring
  for i in 1 2; do (cd "$d"; for c in "aggregate $T/events-100000.csv --no-places" "process $T/near-300000.csv --refs cities" "process $T/near-300000.csv --refs cities -k 3" "search paris"; do ./meridian $c --out /dev/null >/dev/null 2>&1 </dev/null || ./meridian $c >/dev/null 2>&1 </dev/null; done); done
done
echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
for n in 100000 1000000 2000000; do pair "aggregate-no-places-$n" aggregate "$T/events-$n.csv" --no-places --out /tmp/ab-out.csv; done
for n in 300000 1000000 2000000; do pair "process-near-$n" process "$T/near-$n.csv" --refs cities --out /tmp/ab-out.csv; done
pair "process-k3-near-1000000" process "$T/near-1000000.csv" --refs cities -k 3 --out /tmp/ab-out.csv
pair "search-paris" search paris -n 1
echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
rm -f /tmp/ab-out.csv
