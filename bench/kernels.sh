#!/usr/bin/env bash
# Kernel benchmarks, Meridian and the reference design in one run:
#   1. the reference design's enrich_bench (Rust, rayon on all cores): enrich_10k, min and median ms
#   2. JMH: EnrichBenchmark (enrich_10k), NearestCitiesBenchmark (index vs brute force, build time)
#   3. the reference design's enrich_bench again, to bracket the JVM run (the machine is shared and noisy)
#
#   bench/kernels.sh [JMH regexp]          results in bench/results/kernels-<UTC time>.txt
# Env: ANCHOR (default ../shared/anchors/rust-seed), ANCHOR_BUILD (a writable copy is built here, default
#      /tmp/meridian-anchor), JMH_ARGS (extra JMH options, e.g. "-f 1 -wi 3 -i 5").
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/jdk.sh"
meridian_find_jdk
ANCHOR=${ANCHOR:-$ROOT/../shared/anchors/rust-seed}
ANCHOR_BUILD=${ANCHOR_BUILD:-/tmp/meridian-anchor}
FILTER=${1:-"EnrichBenchmark|NearestCitiesBenchmark"}
OUT="$ROOT/bench/results/kernels-$(date -u +%Y%m%dT%H%M%SZ).txt"
mkdir -p "$ROOT/bench/results"

anchor_bench() {
  [ -d "$ANCHOR" ] || { echo "anchor not found at $ANCHOR (set ANCHOR)"; return 0; }
  if [ ! -x "$ANCHOR_BUILD/target/release/enrich_bench" ]; then
    mkdir -p "$ANCHOR_BUILD"
    cp -r "$ANCHOR/." "$ANCHOR_BUILD/"
    chmod -R u+w "$ANCHOR_BUILD"
    (cd "$ANCHOR_BUILD" && ./build.sh >/dev/null)
  fi
  for _ in 1 2 3; do "$ANCHOR_BUILD/target/release/enrich_bench" 200; done
}

(cd "$ROOT" && mvn -B -q -DskipTests -Dspotless.check.skip=true package -pl bench -am)
{
  echo "# bench/kernels.sh $(date -u +%FT%TZ) nproc=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# java: $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
  echo "## anchor (before)"
  anchor_bench
  echo "## meridian JMH"
  "$JAVA_HOME/bin/java" -jar "$ROOT/bench/target/benchmarks.jar" ${JMH_ARGS:-} "$FILTER"
  echo "## anchor (after)"
  anchor_bench
  echo "# load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
} 2>&1 | tee "$OUT"
echo "results: $OUT"
