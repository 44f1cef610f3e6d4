#!/bin/bash
# side_by_side.sh one round at a time, alternating a build of another checkout (BASE, "old") and this one ("new"),
# PAIRS times; each round's raw output under OUT/old-N and OUT/new-N.
#   ab.sh BASE OUT [PAIRS=2]
BASE=$1; OUT=$2; PAIRS=${3:-2}
HERE=$(cd "$(dirname "$0")/../../.." && pwd)
export ANCHOR_DIR=${ANCHOR_DIR:-/tmp/meridian-anchor-sbs}
for p in $(seq "$PAIRS"); do
  (cd "$BASE" && /work/shared/tools/side_by_side.sh 1 "$OUT/old-$p" > "$OUT/old-$p.txt" 2>&1)
  (cd "$HERE" && /work/shared/tools/side_by_side.sh 1 "$OUT/new-$p" > "$OUT/new-$p.txt" 2>&1)
done
