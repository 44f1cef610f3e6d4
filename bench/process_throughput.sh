#!/usr/bin/env bash
# Throughput of `meridian process` on a 1,000,000-row CSV with a 256 MB heap, as reported in the summary
# line the command prints on stderr. The machine's load average is printed too: on shared machines the
# figures move with it.
#
#   bench/process_throughput.sh [RUNS=3] [uniform|near] [REFS=cities]
#
# uniform: points uniform on the sphere (mostly open ocean); near: points within ~10 km of random cities.
# Data goes to bench/results/tmp/ (ignored by git).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${1:-3}
KIND=${2:-uniform}
REFS=${3:-cities}
. "$ROOT/bench/points_file.sh"
echo "input: $IN ($(wc -c < "$IN") bytes), refs: $REFS, $(nproc) cores"
for i in $(seq "$RUNS"); do
  echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  /usr/bin/time -f "  wall %e s, cpu %U s user + %S s sys, max RSS %M KB" \
    env JDK_JAVA_OPTIONS=-Xmx256m "$ROOT/meridian" process "$IN" --refs "$REFS" --out "$DIR/out.csv"
done
