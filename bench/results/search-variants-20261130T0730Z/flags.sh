#!/usr/bin/env bash
# JDK_JAVA_OPTIONS variants for aggregate (cities) and process on the same 1 M events, alternated, N rounds.
#   flags.sh N "VARIANT" "VARIANT" ...   (a variant is one JDK_JAVA_OPTIONS value; "-Dx=1" for none)
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
IN=$ROOT/bench/results/tmp/events-1000000.csv
N=${1:-3}; shift
for r in $(seq "$N"); do
  for v in "$@"; do
    for c in aggregate process; do
      JDK_JAVA_OPTIONS="$v" /usr/bin/time -f "%e %U %S" -o /tmp/t.txt "$ROOT/meridian" $c "$IN" --out /tmp/o.csv 2>/tmp/err.txt >/dev/null
      read -r w u s < /tmp/t.txt
      printf "%s %-60s %-9s wall %s cpu %s %s\n" "$r" "[$v]" $c "$w" "$(echo "$u + $s" | bc)" "$(grep -o '[0-9.]* MB/s' /tmp/err.txt)"
    done
  done
done
