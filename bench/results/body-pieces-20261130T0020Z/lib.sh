# Sourced by the scripts beside it. The service is started as a user starts it (./meridian serve, launcher
# defaults, the two seed places, no database) from ROOT (default: this checkout); the anchor's bodies and wrk
# script come from ANCHOR_DIR (default: where ../shared/tools/side_by_side.sh builds it).
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=${ROOT:-$(cd "$HERE/../../.." && pwd)}
A=${ANCHOR_DIR:-/tmp/meridian-anchor-sbs}
SEED=${SEED_REFS:-$(cd "$HERE/../../../.." && pwd)/shared/tools/seed_refs.csv}

# start_meridian PORT: sets pid (the launcher's session), jp (the JVM) and url; JTO: JAVA_TOOL_OPTIONS, EXTRA: serve options;
# SEED empty: the bundled cities
start_meridian() {
  (cd "$ROOT" && JAVA_TOOL_OPTIONS="${JTO:-}" setsid ./meridian serve --port "$1" --tcp-port 0 --db off ${SEED:+--refs "$SEED"} \
    ${EXTRA:-} >/tmp/meridian-bench-serve.log 2>&1) & pid=$!
  url=http://127.0.0.1:$1
  for _ in $(seq 600); do curl -fs "$url/health" >/dev/null 2>&1 && break; sleep 0.05; done
  jp=$(pgrep -f "meridian.jar serve --port $1" | head -1)
}

# start_anchor PORT: the same variables for the anchor's server
start_anchor() {
  setsid "$A/target/release/enrich_server" "127.0.0.1:$1" >/tmp/meridian-bench-anchor.log 2>&1 & pid=$!; jp=$pid
  url=http://127.0.0.1:$1
  for _ in $(seq 600); do curl -fs "$url/" >/dev/null 2>&1 && break; sleep 0.05; done
}

stop_server() { kill "$jp" 2>/dev/null; wait "$pid" 2>/dev/null; sleep 1; }

. "$ROOT/bench/wrk-post.sh" # cpu PID, jit PID

# post CONNECTIONS BODY_FILE SECONDS [wrk options]: POST /enrich under wrk with the anchor's script
post() { BODY_FILE=$A/$2 wrk -t1 -c"$1" -d"$3"s --timeout 30s "${@:4}" -s "$A/enrich.lua" "$url/enrich"; }

# measure LABEL COMMAND...: runs a wrk COMMAND against the server $jp; prints LABEL, req/s, p99, the server's CPU per
# request and its compiler threads' CPU over the run
measure() {
  local label=$1; shift
  local t0 j0 r t1 j1 n
  t0=$(cpu $jp); j0=$(jit $jp); r=$("$@"); t1=$(cpu $jp); j1=$(jit $jp)
  n=$(echo "$r" | grep "requests in" | awk '{print $1}')
  echo -n "$label $(echo "$r" | grep -E "Requests/sec" | awk '{print $2}') req/s p99 $(echo "$r" | grep '  99%' | awk '{print $2}')"
  echo -n " cpu $(awk -v c=$((t1-t0)) -v n=$n 'BEGIN{printf "%.2f", c*1e4/n}') us JIT $((j1-j0))0 ms | "
}
