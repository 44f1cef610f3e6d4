#!/usr/bin/env bash
# A lean Java runtime for the runnable jar: jlink with only the modules the jar needs, no headers, no man
# pages, no debug symbols. Output: target/runtime/bin/java (about 65 MB instead of 300).
#
#   scripts/runtime-image.sh [JAR=cli/target/meridian.jar] [OUT=target/runtime]
#   target/runtime/bin/java -jar cli/target/meridian.jar serve
#
# The modules are derived from the jar, not listed by hand, so they follow its dependencies:
#   1. jdeps over the real jar: every module its classes link against.
#   2. The providers the JDK looks up only at run time, which no class links against: for each service type in
#      RUNTIME_SERVICES, every JDK module that provides it (jlink --suggest-providers). Today that is java.nio.file.spi.FileSystemProvider
#      (jdk.zipfs: libraries read resources through jar: file systems; without it start-up dies with
#      ProviderNotFoundException).
#   3. A few modules for operations: jdk.crypto.ec (TLS to a remote PostgreSQL; an empty module since JDK 22,
#      when its provider moved into java.base, kept so older JDKs also get it), jdk.jcmd, jdk.attach and
#      jdk.management (jcmd and the profiler attach).
# Not included, on purpose: jdk.localedata (formatting is Locale.ROOT; java.base has English), jdk.charsets
# (all I/O is UTF-8). MERIDIAN_EXTRA_MODULES=a,b adds modules. The image is kept only when the CLI starts on
# it; cli's RuntimeImageTest (tagged slow, run by ./run-tests) builds it and runs serve, process and search.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/jdk.sh"
meridian_find_jdk
JAR=${1:-$ROOT/cli/target/meridian.jar}
OUT=${2:-$ROOT/target/runtime}
[ -f "$JAR" ] || "$ROOT/meridian" --version >/dev/null
RUNTIME_SERVICES="java.nio.file.spi.FileSystemProvider"
OPS_MODULES="jdk.crypto.ec,jdk.jcmd,jdk.attach,jdk.management"

static=$("$JAVA_HOME/bin/jdeps" --multi-release 25 --ignore-missing-deps --print-module-deps "$JAR")

# jlink names the JDK modules that provide a service (java.base itself is already in)
providers=$("$JAVA_HOME/bin/jlink" --add-modules "$static" --suggest-providers "${RUNTIME_SERVICES// /,}" \
  | awk '$2 == "provides" && $1 != "java.base" { printf ",%s", $1 }')

MODULES="$static$providers,$OPS_MODULES${MERIDIAN_EXTRA_MODULES:+,$MERIDIAN_EXTRA_MODULES}"
tmp="$OUT.tmp.$$"
rm -rf "$tmp"
trap 'rm -rf "$tmp"' EXIT
"$JAVA_HOME/bin/jlink" --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages \
  --compress zip-6 --output "$tmp"

# A first check before the image is kept: the CLI starts from the jar on it.
"$tmp/bin/java" -XX:-UsePerfData -jar "$JAR" --version >/dev/null \
  || { echo "runtime image: the jar does not start on it (modules: $MODULES)" >&2; exit 1; }

rm -rf "$OUT"
mv "$tmp" "$OUT"
trap - EXIT
echo "runtime image: $OUT ($(du -sh "$OUT" | cut -f1)), modules: $MODULES"
