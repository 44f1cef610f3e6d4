#!/usr/bin/env bash
# The 10,000-record POST /enrich body (the anchor's gen_body.sh) against the anchor and two builds of Meridian
# started as a user starts them (`./meridian serve` of each tree, two seed places, no database), alternated
# anchor, A, B, then B, A, anchor ... ROUNDS times, each under wrk -t1 -cC for D seconds after a 5 s warm-up.
# Per run: answered (200) req/s, the ratio to the anchor's run in the same round, and the server's CPU time
# (utime + stime from /proc) per answered request, which follows the machine's load far less than req/s.
#   bench/enrich-10k-ab.sh TREE_A TREE_B [ROUNDS=3] [C=8] [D=15]
#   e.g. git worktree add ../before HEAD~10 && bench/enrich-10k-ab.sh ../before . 3 8
# TREE_A and TREE_B are checkouts with a built cli/target/meridian.jar (their launcher builds it when missing);
# ANCHOR_DIR is a built copy of the anchor (default /tmp/meridian-anchor-sbs, as side_by_side.sh makes it).
set -u
A=$(cd "${1:?usage: enrich-10k-ab.sh TREE_A TREE_B [ROUNDS] [C] [D]}" && pwd); B=$(cd "${2:?}" && pwd)
ROUNDS=${3:-3}; C=${4:-8}; D=${5:-15}
ANCHOR_DIR=${ANCHOR_DIR:-/tmp/meridian-anchor-sbs}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
REFS=$ROOT/bench/refs-sf-la.csv
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
"$ANCHOR_DIR/gen_body.sh" 10000 "$W/body.json"
cpu() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
one() { # who -> prints "req/s cpu_ms_per_request non2xx"
  local who=$1 pid url
  if [ "$who" = anchor ]; then
    setsid "$ANCHOR_DIR/target/release/enrich_server" 127.0.0.1:3900 >"$W/server.log" 2>&1 & pid=$!
    url=http://127.0.0.1:3900
  else
    setsid "$who/meridian" serve --port 3901 --tcp-port 0 --db off --refs "$REFS" >"$W/server.log" 2>&1 & pid=$!
    url=http://127.0.0.1:3901
  fi
  for _ in $(seq 600); do curl -fs "$url/" >/dev/null 2>&1 && break; sleep 0.05; done
  local jvm; jvm=$(pgrep -P "$pid" java || echo "$pid") # the launcher execs java, or runs it as a child
  BODY_FILE="$W/body.json" wrk -t1 -c"$C" -d5s --timeout 30s -s "$ANCHOR_DIR/enrich.lua" "$url/enrich" >/dev/null
  local t0; t0=$(cpu "$jvm")
  BODY_FILE="$W/body.json" wrk -t1 -c"$C" -d"${D}s" --timeout 30s -s "$ANCHOR_DIR/enrich.lua" "$url/enrich" >"$W/run.txt"
  local t1; t1=$(cpu "$jvm")
  kill -- -"$pid" 2>/dev/null; wait "$pid" 2>/dev/null; sleep 1
  python3 - "$W/run.txt" "$((t1 - t0))" <<'PY'
import re, sys
text = open(sys.argv[1]).read(); ticks = int(sys.argv[2])
total = int(re.search(r'(\d+) requests in', text).group(1))
rps = float(re.search(r'Requests/sec:\s+([\d.]+)', text).group(1))
m = re.search(r'Non-2xx or 3xx responses: (\d+)', text); bad = int(m.group(1)) if m else 0
ok = total - bad
print(f"{rps * ok / total if total else 0:.2f} {ticks * 10 / ok if ok else 0:.1f} {bad}")
PY
}
echo "# enrich-10k-ab $(date -u +%FT%TZ) A=$A ($(git -C "$A" rev-parse --short HEAD)) B=$B ($(git -C "$B" rev-parse --short HEAD)) -c$C ${D}s nproc=$(nproc)"
for r in $(seq 1 "$ROUNDS"); do
  if [ $((r % 2)) = 1 ]; then order="anchor $A $B"; else order="$B $A anchor"; fi
  declare -A res=()
  for who in $order; do res[$who]=$(one "$who"); done
  an=$(echo "${res[anchor]}" | cut -d' ' -f1)
  for who in anchor "$A" "$B"; do
    read -r rps ms bad <<<"${res[$who]}"
    label=$([ "$who" = anchor ] && echo anchor || { [ "$who" = "$A" ] && echo A || echo B; })
    printf 'r%d %-6s req/s %7s  ratio %5s  cpu %7s ms/req  non2xx %s  load %s\n' "$r" "$label" "$rps" \
      "$(python3 -c "print(f'{$rps / $an:.2f}')" 2>/dev/null)" "$ms" "$bad" "$(cut -d' ' -f1 /proc/loadavg)"
  done
done
