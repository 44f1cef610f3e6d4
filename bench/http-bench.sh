#!/usr/bin/env bash
# HTTP load benchmark: Meridian serve against the Rust anchor, same harness, same session.
#
#   bench/http-bench.sh            # builds, runs everything, prints a summary with ratios
#
# Steps: build the fat jar; copy the read-only anchor to $ANCHOR_DIR and build it there (its build.sh
# apt-installs wrk and the crates); run the anchor's bench.sh against a fresh anchor process, then against a
# fresh Meridian process (only San Francisco + Los Angeles loaded, bench/refs-sf-la.csv); 10x overload
# (-c 640, 10k body, 30 s) against Meridian, checking that only 200/503 come back and the process survives;
# start-to-first-200 on GET /health with the small refs file and with the bundled cities.
#
# Env: MERIDIAN_JAVA_OPTS (JVM flags, default below), PORT (8080), ANCHOR_PORT (3000),
#      ANCHOR_DIR (/tmp/meridian-anchor), OUT (bench/results/tmp/http-<time>), DURATION/GET_DURATION/WARMUP
#      (passed to the anchor's bench.sh), OVERLOAD_SECONDS (30), SKIP_ANCHOR=1, SKIP_OVERLOAD=1.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/jdk.sh"
meridian_find_jdk
ANCHOR_SRC=/work/shared/anchors/rust-seed
ANCHOR_DIR=${ANCHOR_DIR:-/tmp/meridian-anchor}
PORT=${PORT:-8080}
ANCHOR_PORT=${ANCHOR_PORT:-3000}
OVERLOAD_SECONDS=${OVERLOAD_SECONDS:-30}
OUT=${OUT:-$ROOT/bench/results/tmp/http-$(date -u +%Y%m%dT%H%M%SZ)}
AOT=${AOT:-$OUT/meridian.aot}
# Serial GC: on 2 cores it measured best (see BENCHMARKS.md); the heap is sized from the admission bound
# (16 workspaces of a 10k-record batch, ~8 MB each) with room for the garbage of 16 parses and writes.
# The AOT cache (JDK 25, JEP 483/514/515) is written by one training run below and used by every later run.
BASE_OPTS=${MERIDIAN_JAVA_OPTS:--XX:+UseSerialGC -Xms64m -Xmx512m -XX:+ExitOnOutOfMemoryError}
JAVA_OPTS="$BASE_OPTS -XX:AOTCache=$AOT -Xlog:aot=off -Xlog:cds=off"
JAR="$ROOT/cli/target/meridian.jar"
REFS="$ROOT/bench/refs-sf-la.csv"
mkdir -p "$OUT"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

log() { echo "[$(date -u +%T)] $*" | tee -a "$OUT/log.txt"; }

wait_http() { # url timeout_s -> prints ms until first 200 since $2 (start ns)
  local url=$1 start=$2 end=$(( $(date +%s) + 60 ))
  until curl -sf -o /dev/null "$url"; do
    [ "$(date +%s)" -lt "$end" ] || { echo "no answer from $url" >&2; return 1; }
    sleep 0.01
  done
  echo $(( ($(date +%s%N) - start) / 1000000 ))
}

start_meridian() { # refs label [jvm options] -> sets MPID
  "$JAVA_HOME/bin/java" ${3:-$JAVA_OPTS} -jar "$JAR" serve --refs "$1" --port "$PORT" --tcp-port 0 --db off \
    > "$OUT/meridian-$2.log" 2>&1 &
  MPID=$!
  PIDS+=("$MPID")
}

stop_pid() { kill -TERM "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

log "build"
(cd "$ROOT" && mvn -q -B -DskipTests -Dspotless.check.skip=true package -pl cli -am)
if [ -z "${SKIP_ANCHOR:-}" ]; then
  if [ ! -x "$ANCHOR_DIR/target/release/enrich_server" ]; then
    rm -rf "$ANCHOR_DIR"; cp -r "$ANCHOR_SRC" "$ANCHOR_DIR"; chmod -R u+w "$ANCHOR_DIR"
    (cd "$ANCHOR_DIR" && ./build.sh) > "$OUT/anchor-build.txt" 2>&1
  fi
fi
[ -d "$ANCHOR_DIR" ] || { rm -rf "$ANCHOR_DIR"; cp -r "$ANCHOR_SRC" "$ANCHOR_DIR"; chmod -R u+w "$ANCHOR_DIR"; }
BENCH="$ANCHOR_DIR/bench.sh"

log "machine: nproc=$(nproc) load: $(cut -d' ' -f1-3 /proc/loadavg); other busy processes:"
ps -eo pcpu,comm --sort=-pcpu | head -6 | tee -a "$OUT/log.txt"

# --- AOT cache training run: start, serve a few requests of every kind, stop (the cache is written at exit) ---
log "AOT training run -> $AOT"
rm -f "$AOT"
start_meridian cities aot-train "$BASE_OPTS -XX:AOTCacheOutput=$AOT -Xlog:aot=off -Xlog:cds=off"
wait_http "http://127.0.0.1:$PORT/health" "$(date +%s%N)" > /dev/null
for i in 1 2 3 4 5; do
  curl -s -o /dev/null -H 'Content-Type: application/json' --data '[{"id":1,"point":{"lat":35.0,"lon":-120.0},"payload":[1.0]}]' "http://127.0.0.1:$PORT/enrich"
  curl -s -o /dev/null "http://127.0.0.1:$PORT/metrics"; curl -s -o /dev/null "http://127.0.0.1:$PORT/refsets"
done
stop_pid "$MPID"
ls -l "$AOT" | tee -a "$OUT/log.txt" || log "no AOT cache written; runs continue without it"
[ -f "$AOT" ] || JAVA_OPTS="$BASE_OPTS"

# --- start-up: process start to first 200 on GET /health ---
for refs in "$REFS" cities; do
  for run in 1 2 3; do
    t0=$(date +%s%N); start_meridian "$refs" "startup-$run"
    ms=$(wait_http "http://127.0.0.1:$PORT/health" "$t0")
    name=$( [ "$refs" = cities ] && echo cities || echo sf-la )
    log "startup refs=$name run=$run: first 200 on /health after $ms ms"
    echo "startup refs=$name run=$run ms=$ms" >> "$OUT/summary.txt"
    stop_pid "$MPID"
  done
done

# --- the anchor ---
if [ -z "${SKIP_ANCHOR:-}" ]; then
  log "anchor: $ANCHOR_DIR/run.sh 127.0.0.1:$ANCHOR_PORT"
  "$ANCHOR_DIR/run.sh" "127.0.0.1:$ANCHOR_PORT" > "$OUT/anchor-server.log" 2>&1 &
  APID=$!; PIDS+=("$APID")
  wait_http "http://127.0.0.1:$ANCHOR_PORT/" "$(date +%s%N)" > /dev/null
  APID=$(pgrep -n -f "enrich_server 127.0.0.1:$ANCHOR_PORT" || echo "$APID")
  "$BENCH" "http://127.0.0.1:$ANCHOR_PORT" "$APID" | tee "$OUT/anchor.txt"
  stop_pid "$APID"
fi

# --- Meridian ---
log "meridian: java $JAVA_OPTS -jar cli/target/meridian.jar serve --refs bench/refs-sf-la.csv --port $PORT"
start_meridian "$REFS" bench
wait_http "http://127.0.0.1:$PORT/health" "$(date +%s%N)" > /dev/null
"$BENCH" "http://127.0.0.1:$PORT" "$MPID" | tee "$OUT/meridian.txt"
curl -s "http://127.0.0.1:$PORT/metrics" > "$OUT/meridian-metrics-after-bench.txt"

# --- 10x overload: -c 640 with the 10k body ---
if [ -z "${SKIP_OVERLOAD:-}" ]; then
  log "overload: wrk -c640 -d${OVERLOAD_SECONDS}s, 10k body"
  curl -s "http://127.0.0.1:$PORT/metrics" | grep '^meridian_http_requests_total{route="/enrich"' > "$OUT/overload-before.txt" || true
  (cd "$ANCHOR_DIR" && BODY_FILE="$ANCHOR_DIR/body_10k.json" wrk -t1 -c640 -d"${OVERLOAD_SECONDS}s" --timeout 60s \
    --latency -s "$ANCHOR_DIR/enrich.lua" "http://127.0.0.1:$PORT/enrich") | tee "$OUT/overload.txt"
  if kill -0 "$MPID" 2>/dev/null; then alive=yes; else alive=NO; fi
  curl -s "http://127.0.0.1:$PORT/metrics" > "$OUT/overload-metrics.txt" || true
  grep '^meridian_http_requests_total{route="/enrich"' "$OUT/overload-metrics.txt" > "$OUT/overload-after.txt" || true
  # 499 = the client closed the connection before its answer (wrk stopping at the end): no response was sent
  statuses=$(sed -E 's/.*status="([0-9]+)".*/\1/' "$OUT/overload-after.txt" | sort -u | paste -sd, -)
  hwm=$(grep VmHWM "/proc/$MPID/status" 2>/dev/null | awk '{print $2}')
  log "overload: server alive=$alive, /enrich statuses seen over the whole run: $statuses, VmHWM ${hwm:-?} kB"
  echo "overload alive=$alive statuses=$statuses vmhwm_kb=${hwm:-?}" >> "$OUT/summary.txt"
  grep -E "Requests/sec|Non-2xx|Socket errors" "$OUT/overload.txt" >> "$OUT/summary.txt" || true
  # recovery: the benchmark's -c 8 load in two 10 s windows right after the overload stops (requests the
  # overload left queued for admission drain during the first one)
  before=$(awk '/SUMMARY enrich_10k_c8/ {sub("req/s=", "", $3); print $3; exit}' "$OUT/meridian.txt")
  for w in 1 2; do
    log "after overload, window $w: wrk -c8 -d10s, 10k body"
    (cd "$ANCHOR_DIR" && BODY_FILE="$ANCHOR_DIR/body_10k.json" wrk -t1 -c8 -d10s --timeout 30s \
      --latency -s "$ANCHOR_DIR/enrich.lua" "http://127.0.0.1:$PORT/enrich") | tee "$OUT/after-overload-$w.txt"
    after=$(awk '/Requests\/sec:/ {print $2}' "$OUT/after-overload-$w.txt")
    p99=$(awk '$1 == "99%" {print $2}' "$OUT/after-overload-$w.txt")
    echo "recovery window $w (0-10 s, 10-20 s after): 10k -c8 req/s ${after:-?} (p99 ${p99:-?}), before the overload ${before:-?}" \
      | tee -a "$OUT/summary.txt"
  done
fi
stop_pid "$MPID"

# --- summary and ratios ---
{
  echo; echo "=== SUMMARY (anchor vs meridian; ratios = meridian / anchor) ==="
  for f in anchor meridian; do
    [ -f "$OUT/$f.txt" ] && awk '/=== summary ===/ { s = 1; next } s' "$OUT/$f.txt" | sed "s/^/$f: /"
  done
  if [ -f "$OUT/anchor.txt" ] && [ -f "$OUT/meridian.txt" ]; then
    awk '
      function secs(v) { if (v ~ /ms$/) return v / 1000; if (v ~ /us$/) return v / 1e6; if (v ~ /m$/) return v * 60; return v + 0 }
      FNR == 1 { who = (FILENAME ~ /anchor/) ? "a" : "m" }
      /^SUMMARY/ {
        label = $2
        for (i = 3; i <= NF; i++) { split($i, kv, "="); val[who, label, kv[1]] = kv[2] }
        labels[label] = 1
      }
      /VmHWM/ { match($0, /VmHWM: *[0-9]+/); h = substr($0, RSTART, RLENGTH); gsub(/[^0-9]/, "", h); if (h + 0 > hwm[who]) hwm[who] = h + 0 }
      END {
        for (l in labels) {
          ra = val["a", l, "req/s"]; rm = val["m", l, "req/s"]
          pa = secs(val["a", l, "p99"]); pm = secs(val["m", l, "p99"])
          printf "RATIO %-16s req/s %s / %s = %.2fx   p99 %s / %s = %.2fx\n", l, rm, ra, (ra > 0 ? rm / ra : 0), val["m", l, "p99"], val["a", l, "p99"], (pa > 0 ? pm / pa : 0)
        }
        printf "RATIO peak VmHWM %d kB / %d kB = %.2fx\n", hwm["m"], hwm["a"], (hwm["a"] > 0 ? hwm["m"] / hwm["a"] : 0)
      }' "$OUT/anchor.txt" "$OUT/meridian.txt"
  fi
  cat "$OUT/summary.txt"
  echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg); raw output in $OUT"
} | tee -a "$OUT/report.txt"
