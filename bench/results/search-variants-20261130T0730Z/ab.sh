#!/usr/bin/env bash
# aggregate (cities) and process on the same 1 M events from two checkouts, alternated, N pairs: wall and CPU.
#   BASE=/path/to/other/checkout ab.sh [N=4]
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
IN=$ROOT/bench/results/tmp/events-1000000.csv
N=${1:-4}
for r in $(seq "$N"); do
  for d in "$BASE" "$ROOT"; do
    tag=$([ "$d" = "$BASE" ] && echo base || echo new)
    for c in aggregate process; do
      /usr/bin/time -f "%e %U %S" -o /tmp/t.txt "$d/meridian" $c "$IN" --out "/tmp/o-$tag-$c.csv" 2>/tmp/err.txt >/dev/null
      read -r w u s < /tmp/t.txt
      echo "$r $tag $c wall $w cpu $(echo "$u + $s" | bc) $(grep -o '[0-9.]* MB/s' /tmp/err.txt)"
    done
  done
done
