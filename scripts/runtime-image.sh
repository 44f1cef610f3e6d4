#!/usr/bin/env bash
# Meridian on a lean Java runtime: jlink with only the modules the jar needs, no headers, no man pages, no
# debug symbols (64 MB instead of 300), with the jar (29 MB) and a launcher that starts it with the same JVM
# defaults as ./meridian (scripts/jvm-defaults.sh, copied in). What the Dockerfile ships.
#
#   scripts/runtime-image.sh [JAR=cli/target/meridian.jar] [OUT=target/runtime]
#   target/runtime/bin/meridian serve
#
# OUT/meridian/ holds the jar, the defaults, and serve's AOT cache once a first run has made it;
# MERIDIAN_CACHE_DIR puts the cache elsewhere (for a read-only image).
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
# Without the JDK's own class-data archive (--generate-cds-archive: 27 MB more, two archives): every command
# starts from its own AOT cache (jvm-defaults.sh), which needs none.
"$JAVA_HOME/bin/jlink" --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages \
  --compress zip-6 --output "$tmp"

mkdir "$tmp/meridian"
cp "$JAR" "$tmp/meridian/meridian.jar"
cp "$ROOT/scripts/jvm-defaults.sh" "$tmp/meridian/jvm-defaults.sh"
# Netty's epoll library beside the jar, as the launcher's first serve extracts it (the image has no jar tool)
mkdir "$tmp/meridian/native"
(cd "$tmp/meridian/native" && "$JAVA_HOME/bin/jar" --extract --file "$tmp/meridian/meridian.jar" META-INF/native/)
cat > "$tmp/bin/meridian" <<'LAUNCHER'
#!/usr/bin/env bash
# Meridian on its own Java runtime, with the JVM defaults of ./meridian (MERIDIAN_JAVA_OPTS replaces them).
set -euo pipefail
# its own directory without starting dirname (each program started costs ~5 ms); readlink only when it is
# reached through a symbolic link (e.g. /usr/local/bin/meridian)
self=$0
[ -L "$self" ] && self=$(readlink -f "$self")
case $self in */*) self=${self%/*} ;; *) self=. ;; esac
HOME_DIR=$(cd "$self/.." && pwd)
export JAVA_HOME=$HOME_DIR
. "$HOME_DIR/meridian/jvm-defaults.sh"
meridian_jvm_defaults "${MERIDIAN_CACHE_DIR:-$HOME_DIR/meridian}" "$HOME_DIR/meridian/meridian.jar" "$@"
exec "$HOME_DIR/bin/java" $MERIDIAN_JAVA_OPTS -jar "$HOME_DIR/meridian/meridian.jar" "$@"
LAUNCHER
chmod +x "$tmp/bin/meridian"

# A first check before the image is kept: the CLI starts on it (its own options: no cache is recorded).
MERIDIAN_JAVA_OPTS=-XX:-UsePerfData "$tmp/bin/meridian" --version >/dev/null \
  || { echo "runtime image: the jar does not start on it (modules: $MODULES)" >&2; exit 1; }

rm -rf "$OUT"
mv "$tmp" "$OUT"
trap - EXIT
echo "runtime image: $OUT ($(du -sh "$OUT" | cut -f1)), modules: $MODULES"
