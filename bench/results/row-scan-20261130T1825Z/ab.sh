#!/bin/bash
# This checkout against another (BASE), alternated, PAIRS pairs per command, as users run them (the launcher's
# defaults, JDK_JAVA_OPTIONS=-Xmx256m as issue 10 asks), wall and CPU from /usr/bin/time; MB/s = input bytes / wall.
#   ab.sh BASE_DIR [PAIRS=5] [WHICH=agg,proc]
set -u
BASE=$1; PAIRS=${2:-5}; WHICH=${3:-agg,proc}
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
T=$ROOT/bench/results/tmp
mkdir -p "$T"
[ -f "$T/events-1000000.csv" ] || "$ROOT/bench/gen_events.sh" 1000000 > "$T/events-1000000.csv"
[ -f "$T/near-1000000.csv" ] || "$ROOT/bench/gen_points.sh" 1000000 7 "$ROOT/core/src/main/resources/meridian/refs/cities.csv.gz" > "$T/near-1000000.csv"
XMX=${XMX-JDK_JAVA_OPTIONS=-Xmx256m} # XMX= for none
pair() { # label, input, command...
  local label=$1 in=$2; shift 2
  local bytes; bytes=$(wc -c < "$in")
  for r in $(seq "$PAIRS"); do for w in new old; do
    d=$ROOT; [ $w = old ] && d=$BASE
    (cd "$d" && env $XMX /usr/bin/time -f "%e %U %S" ./meridian "$@" 2>&1 >/dev/null </dev/null | grep -v Picked | tail -2) \
      | awk -v l="$label" -v w=$w -v b="$bytes" '/MB\/s/ { sub(/.* s: /, ""); sub(/ \(.*/, ""); p = " (printed: " $0 ")"; next }
          { printf "%s %s %.2f s %.2f u %.2f s %.1f MB/s%s\n", l, w, $1, $2, $3, b / 1e6 / $1, p }'
  done; done
}
for d in "$ROOT" "$BASE"; do # the caches made before measuring
  for i in 1 2; do (cd "$d"; ./meridian aggregate "$T/events-1000000.csv" --no-places --out /dev/null; ./meridian process "$T/near-1000000.csv" --out /dev/null) >/dev/null 2>&1 </dev/null; done
done
echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
case $WHICH in *agg*) pair aggregate-no-places-1M "$T/events-1000000.csv" aggregate "$T/events-1000000.csv" --no-places --out /dev/null ;; esac
case $WHICH in *proc*) pair process-near-1M "$T/near-1000000.csv" process "$T/near-1000000.csv" --out /dev/null ;; esac
echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
