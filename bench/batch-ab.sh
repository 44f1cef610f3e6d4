#!/usr/bin/env bash
# This checkout's batch command against another build's (BASE: a worktree with its jar built), as users run them
# (the launcher's defaults, JDK_JAVA_OPTIONS=-Xmx256m as issue 10 asks), PAIRS pairs alternated in order (odd
# pairs this checkout first, even pairs BASE first: on this machine the first run of a pair is often the slower),
# after two untimed runs of each to make their caches. Prints per run: which build, wall s, user s, sys s, and
# the MB/s that `process` prints.
#
#   bench/batch-ab.sh BASE [PAIRS=10] [proc|uniform|k3|ndjson|agg|aggp]
#
# proc: `process` on 1 M rows near the cities; uniform: 1 M uniform points; k3: `process -k 3`; ndjson: the
# rows near the cities as NDJSON records (`{"id":..,"point":{"lat":..,"lon":..},"user_id":..,"value":..}`); agg:
# `aggregate --no-places` on 1 M events; aggp: `aggregate` with the bundled cities. Inputs are made once under
# bench/results/tmp/ (ignored by git); the output goes to /dev/shm so that disk writeback is not measured.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BASE=$(cd "${1:?usage: batch-ab.sh BASE [PAIRS] [KIND]}" && pwd)
PAIRS=${2:-10}
WHAT=${3:-proc}
T="$ROOT/bench/results/tmp"
mkdir -p "$T"
OUT=/dev/shm/meridian-batch-ab-$$.csv
trap 'rm -f "$OUT"' EXIT
case $WHAT in
  proc | k3 | ndjson) KIND=near; . "$ROOT/bench/points_file.sh" ;;
  uniform) KIND=uniform; . "$ROOT/bench/points_file.sh" ;;
  agg | aggp) IN="$T/events-1000000.csv"; [ -f "$IN" ] || "$ROOT/bench/gen_events.sh" 1000000 > "$IN" ;;
  *) echo "unknown kind: $WHAT" >&2; exit 2 ;;
esac
if [ "$WHAT" = ndjson ]; then
  CSV=$IN
  IN="${CSV%.csv}.ndjson"
  [ -f "$IN" ] && [ "$IN" -nt "$CSV" ] || awk -F, 'NR > 1 {
      printf "{\"id\":%s,\"point\":{\"lat\":%s,\"lon\":%s},\"user_id\":\"%s\",\"value\":%s}\n", $1, $2, $3, $4, $6
    }' "$CSV" > "$IN"
fi
case $WHAT in
  proc | uniform | ndjson) ARGS=(process "$IN" --refs cities --out "$OUT") ;;
  k3) ARGS=(process "$IN" --refs cities -k 3 --out "$OUT") ;;
  agg) ARGS=(aggregate "$IN" --no-places --out "$OUT") ;;
  aggp) ARGS=(aggregate "$IN" --out "$OUT") ;;
esac
one() { # dir, label
  (cd "$1" && env JDK_JAVA_OPTIONS=-Xmx256m /usr/bin/time -f "%e %U %S" ./meridian "${ARGS[@]}" 2>&1 </dev/null \
    | grep -v Picked | tail -2) \
    | awk -v w="$2" '/MB\/s/ { sub(/.* s: [0-9,]* rows\/s, /, ""); sub(/ \(.*/, ""); p = $0; next }
        { printf "%s %s s %s u %s s  %s\n", w, $1, $2, $3, p }'
}
for d in "$ROOT" "$BASE"; do for _ in 1 2; do (cd "$d" && ./meridian "${ARGS[@]}" >/dev/null 2>&1 </dev/null) || true; done; done
echo "# $WHAT, load $(cut -d' ' -f1-3 /proc/loadavg), new = $ROOT, old = $BASE"
for r in $(seq "$PAIRS"); do
  if [ $((r % 2)) = 1 ]; then one "$ROOT" new; one "$BASE" old; else one "$BASE" old; one "$ROOT" new; fi
done
