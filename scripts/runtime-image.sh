#!/usr/bin/env bash
# A lean Java runtime for the runnable jar: jlink with only the modules the jar uses (found by jdeps),
# no headers, no man pages, no debug symbols. Output: target/runtime/bin/java (about 60 MB instead of 300).
#
#   scripts/runtime-image.sh [JAR=cli/target/meridian.jar] [OUT=target/runtime]
#   target/runtime/bin/java -jar cli/target/meridian.jar serve
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/jdk.sh"
meridian_find_jdk
JAR=${1:-$ROOT/cli/target/meridian.jar}
OUT=${2:-$ROOT/target/runtime}
[ -f "$JAR" ] || "$ROOT/meridian" --version >/dev/null
# jdk.crypto.ec: TLS to a remote PostgreSQL; jdk.jcmd and jdk.attach: jcmd and the profiler attach.
MODULES=$("$JAVA_HOME/bin/jdeps" --multi-release 25 --ignore-missing-deps --print-module-deps "$JAR"),jdk.crypto.ec,jdk.jcmd,jdk.attach,jdk.management
rm -rf "$OUT"
"$JAVA_HOME/bin/jlink" --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages \
  --compress zip-6 --output "$OUT"
echo "runtime image: $OUT ($(du -sh "$OUT" | cut -f1)), modules: $MODULES"
