#!/usr/bin/env bash
# Coverage-guided fuzzing (Jazzer) of the decoders that read client bytes, one target after the other:
#   bench/fuzz.sh                 # every target, 2 minutes each (records events users csv geoJson tcpLines)
#   bench/fuzz.sh records users   # only these
#   bench/fuzz.sh allDecoders     # all decoders behind one target, 20 s (what ./run-tests runs)
# The contract checked (server/src/test/java/meridian/server/fuzz/DecoderFuzzTest.java): every input decodes
# or is refused with a product error (a 4xx); on TCP every non-blank line gets one answer and the connection
# keeps serving. A finding stops its target and is written as server/crash-<sha1>; copy it into
# server/src/test/resources/meridian/server/fuzz/DecoderFuzzTestInputs/<target>/ to replay it in every
# `mvn test`. The corpus grows under server/.cifuzz-corpus/ (not versioned).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/jdk.sh"
meridian_find_jdk
cd "$ROOT"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(records events users csv geoJson tcpLines)
fi
mvn -B -q -DskipTests -Dspotless.check.skip=true test-compile -pl server -am
status=0
for t in "${targets[@]}"; do
  echo "== fuzzing $t"
  log=$(mktemp)
  if ! JAZZER_FUZZ=1 mvn -B -o test -pl server -am -Dspotless.check.skip=true \
      -Dsurefire.failIfNoSpecifiedTests=false -Dtest="DecoderFuzzTest#$t" >"$log" 2>&1; then
    status=1
    grep -E "FuzzTestFinding|Exception|crash-" "$log" | head -20 || true
  fi
  grep -E "^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE)" "$log" | tail -1 || true
  corpus="server/.cifuzz-corpus/meridian.server.fuzz.DecoderFuzzTest/$t"
  [ -d "$corpus" ] && echo "corpus: $(find "$corpus" -type f | wc -l) inputs in $corpus"
  rm -f "$log"
done
exit $status
