#!/usr/bin/env bash
# `meridian process --country` against `meridian process` on the same 1,000,000-row CSV, alternated in one
# run (the machine's load moves both alike), with the throughput line each run prints on stderr.
#
#   bench/country_process.sh [RUNS=3] [uniform|near]
#
# uniform: points uniform on the sphere (70% open ocean: most lookups search the borders within the
# territorial sea); near: within ~10 km of random cities (mostly inside a unit, many near coasts).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${1:-3}
KIND=${2:-uniform}
. "$ROOT/bench/points_file.sh"
echo "input: $IN ($(wc -c < "$IN") bytes), $(nproc) cores"
for i in $(seq "$RUNS"); do
  for mode in plain country; do
    extra=()
    [ "$mode" = country ] && extra=(--country)
    echo "$mode, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
    /usr/bin/time -f "  wall %e s, cpu %U s user + %S s sys, max RSS %M KB" \
      env MERIDIAN_JAVA_OPTS=-Xmx256m "$ROOT/meridian" process "$IN" --out "$DIR/out-$mode.csv" "${extra[@]}"
  done
done
