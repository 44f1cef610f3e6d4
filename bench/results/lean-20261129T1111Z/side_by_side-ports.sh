#!/usr/bin/env bash
# Side-by-side HTTP load: the Rust anchor (../anchors/rust-seed) and Meridian started exactly as a user starts it
# (`./meridian serve`, launcher defaults, the two seed places, no database), alternated ROUNDS times, each under
# the anchor's own bench.sh (wrk). Run from the project's root:
#   ../shared/tools/side_by_side.sh [ROUNDS=2] [OUT_DIR]
# Env: MERIDIAN_SERVE_ARGS (extra serve options), ANCHOR_DIR (an already built copy of the anchor).
# Prints per round the anchor's and Meridian's SUMMARY lines, then ratios (Meridian / anchor; for p99 and RSS
# lower is better) over all rounds, and the launch-to-ready time of each Meridian start.
set -u
ROUNDS=${1:-2}
out=${2:-$(mktemp -d "${TMPDIR:-/tmp}/side-by-side.XXXXXX")}; mkdir -p "$out"
HERE=/work/shared/tools
[ -x ./meridian ] || { echo "run from the project root (./meridian not found)" >&2; exit 2; }
command -v wrk >/dev/null || { echo "wrk not found (apt-get install wrk)" >&2; exit 2; }
A=${ANCHOR_DIR:-}
if [ -z "$A" ]; then
  A=${TMPDIR:-/tmp}/meridian-anchor-sbs
  if [ ! -x "$A/target/release/enrich_server" ]; then
    rm -rf "$A"; cp -r "$HERE/../anchors/rust-seed" "$A"
    "$A/build.sh" >"$out/anchor-build.log" 2>&1 || { tail -5 "$out/anchor-build.log"; exit 2; }
  fi
fi
echo "results in $out"
ready() { for _ in $(seq 1 600); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 0.05; done; return 1; }
for r in $(seq 1 "$ROUNDS"); do
  for who in anchor meridian; do
    t0=$(date +%s%N)
    if [ $who = anchor ]; then
      setsid "$A/target/release/enrich_server" 127.0.0.1:3967 >"$out/anchor-$r.log" 2>&1 & pid=$!; url=http://127.0.0.1:3967; probe=$url/
    else
      # shellcheck disable=SC2086
      setsid ./meridian serve --port 3968 --tcp-port 0 --db off --refs "$HERE/seed_refs.csv" ${MERIDIAN_SERVE_ARGS:-} \
        >"$out/meridian-$r.log" 2>&1 & pid=$!; url=http://127.0.0.1:3968; probe=$url/health
    fi
    ready "$probe" || { echo "$who did not start"; tail -5 "$out/$who-$r.log"; kill -- -$pid 2>/dev/null; exit 1; }
    echo "READY $who round $r: $(( ($(date +%s%N) - t0) / 1000000 )) ms from launch"
    "$A/bench.sh" "$url" "$pid" >"$out/$who-$r.txt" 2>&1
    grep -E "^SUMMARY|idle, before|idle, after" "$out/$who-$r.txt" | sort -u | sed "s/^/$who r$r: /"
    kill -- -$pid 2>/dev/null; wait $pid 2>/dev/null; sleep 1
  done
done
python3 - "$out" "$ROUNDS" <<'PY'
import re, sys, glob, os
out, rounds = sys.argv[1], int(sys.argv[2])
def secs(v):
    m = re.match(r'([\d.]+)(us|ms|s|m)$', v); x = float(m.group(1))
    return x * {'us': 1e-6, 'ms': 1e-3, 's': 1.0, 'm': 60.0}[m.group(2)]
def read(who, r):
    res, hwm = {}, 0
    for line in open(os.path.join(out, f'{who}-{r}.txt')):
        if line.startswith('SUMMARY'):
            f = line.split(); label = f[1]; kv = dict(x.split('=', 1) for x in f[2:] if '=' in x)
            total = int(kv.get('total', 0)); bad = int(kv.get('non2xx', 0))
            rps = float(kv['req/s']); ok_rps = rps * (total - bad) / total if total else 0.0
            res[label] = (ok_rps, secs(kv['p99']), bad)
        m = re.search(r'VmHWM:\s+(\d+) kB', line)
        if m: hwm = max(hwm, int(m.group(1)))
    return res, hwm
print(f"\n{'figure':28} {'anchor':>22} {'meridian':>22} {'ratio':>14}")
for r in range(1, rounds + 1):
    a, ah = read('anchor', r); m, mh = read('meridian', r)
    for k in a:
        if k not in m: continue
        print(f"r{r} {k:25} {a[k][0]:10.1f} req/s {a[k][1]*1000:7.1f}ms {m[k][0]:10.1f} req/s {m[k][1]*1000:7.1f}ms"
              f"  x{m[k][0]/a[k][0]:.2f} p99 x{m[k][1]/a[k][1]:.2f}" + (f"  refused {m[k][2]}" if m[k][2] else ""))
    print(f"r{r} {'peak RSS (VmHWM)':25} {ah/1024:17.0f} MB {mh/1024:17.0f} MB  x{mh/ah:.2f}")
PY
