#!/usr/bin/env bash
# Start-up of `serve` on the lean runtime image (its bin/meridian) against ./meridian on the full JDK, both as a
# user starts them (the same JVM defaults, scripts/jvm-defaults.sh, each with the AOT cache its first start
# made), alternated, ROUNDS each: milliseconds from the process start to the first 200 on /health (bundled
# cities, no database, no TCP endpoint), and the image size.
#
#   bench/image_startup.sh [ROUNDS=3] [PORT=18310]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/jdk.sh"
meridian_find_jdk
ROUNDS=${1:-3}
PORT=${2:-18310}
JAR=$ROOT/cli/target/meridian.jar
IMAGE=$ROOT/target/runtime
[ -f "$JAR" ] || "$ROOT/meridian" --version >/dev/null
[ -x "$IMAGE/bin/meridian" ] || "$ROOT/scripts/runtime-image.sh" "$JAR" "$IMAGE" >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

first_200() { # $1 = a launcher; prints ms to the first 200 on /health
  local start pid code=000 i
  start=$(date +%s%N)
  (cd "$work" && exec "$1" serve --port "$PORT" --tcp-port 0 --db off >"$work/serve.log" 2>&1) &
  pid=$!
  for i in $(seq 1 3000); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/health" || true)
    [ "$code" = 200 ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.01
  done
  echo $(( ($(date +%s%N) - start) / 1000000 ))
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  [ "$code" = 200 ] || { echo "serve did not answer on $1:" >&2; cat "$work/serve.log" >&2; exit 1; }
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "image: $IMAGE $(du -sh "$IMAGE" | cut -f1) on disk (full JDK: $(du -sh "$JAVA_HOME" | cut -f1))"
first_200 "$ROOT/meridian" >/dev/null # the first starts record the AOT caches
first_200 "$IMAGE/bin/meridian" >/dev/null
for r in $(seq 1 "$ROUNDS"); do
  jdk=$(first_200 "$ROOT/meridian")
  img=$(first_200 "$IMAGE/bin/meridian")
  echo "round $r: full JDK ${jdk} ms, image ${img} ms"
done
