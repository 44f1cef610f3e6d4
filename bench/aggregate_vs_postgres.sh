#!/usr/bin/env bash
# `meridian aggregate --no-places` against PostgreSQL's COPY + GROUP BY on the same event file, alternated,
# and `meridian aggregate` (with the bundled cities) against `meridian process` on the same rows.
#
#   bench/aggregate_vs_postgres.sh [ROUNDS=2] [N=1000000]
#
# The file is made once by bench/gen_events.sh (id,user_id,lat,lon,value,ts with ISO-8601 ts, 50,000 keys;
# 1 M events are ~62 MB) under bench/results/tmp/ (ignored by git). PostgreSQL: the local server on
# 127.0.0.1:5432 (user postgres), database $MERIDIAN_BENCH_DB (default meridian_pipeline_bench), one backend:
# a temporary table (no WAL: PostgreSQL at its fastest), client-side \copy of the file, then count, sum, min,
# max, avg of value and min/max of ts per user_id, written out with \copy. Both sides are timed wall-clock
# from the command's start to its exit (JVM start and psql connection included); MB/s is the file's size
# over that time. Meridian runs as `./meridian` runs, with the launcher's defaults. CPU seconds are given
# too (Meridian: user + sys of the JVM, start-up included; PostgreSQL: user + sys of the one backend, read
# from /proc at the end of its session), as on a loaded machine wall-clock time is mostly waiting for a core.
#
# Agreement (checked on every round, the run fails otherwise): the same keys, counts equal, min and max of
# value equal as doubles, first_ts/last_ts equal to PostgreSQL's min/max ts, and sums within a relative
# 1e-9 (Meridian's sum is compensated, PostgreSQL's float8 sum is not: they differ in the last digits only).
#
# With BASE=DIR (another checkout, e.g. a worktree of main), each round also runs that checkout's
# `meridian aggregate --no-places` on the same file, for a before/after in the same run.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${1:-2}
N=${2:-1000000}
DB=${MERIDIAN_BENCH_DB:-meridian_pipeline_bench}
PSQL=(psql -h 127.0.0.1 -U postgres -X -q -v ON_ERROR_STOP=1)
DIR="$ROOT/bench/results/tmp"
mkdir -p "$DIR"
IN="$DIR/events-$N.csv"
[ -f "$IN" ] || "$ROOT/bench/gen_events.sh" "$N" > "$IN"
BYTES=$(wc -c < "$IN")
"${PSQL[@]}" -d postgres -tc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1 \
  || "${PSQL[@]}" -d postgres -c "CREATE DATABASE $DB"
echo "input: $IN ($BYTES bytes, $N events), $(nproc) cores, $("${PSQL[@]}" -d "$DB" -tAc 'SHOW server_version')"

now() { date +%s.%N; }
mbs() { awk -v b="$BYTES" -v s="$1" 'BEGIN { printf "%.1f", b / 1e6 / s }'; }

CPU_FILE="$DIR/cpu.txt"
cpu() { cat "$CPU_FILE"; }
run_meridian() { # $1 checkout, $2 output, rest: extra arguments; CPU seconds to $CPU_FILE
  local root=$1 out=$2; shift 2
  /usr/bin/time -f "%U %S" -o "$CPU_FILE.raw" "$root/meridian" aggregate "$IN" --out "$out" "$@"
  awk '{ printf "%.2f", $1 + $2 }' "$CPU_FILE.raw" > "$CPU_FILE"
}

run_postgres() { # $1 output
  "${PSQL[@]}" -d "$DB" <<SQL
CREATE TEMP TABLE ev (id bigint, user_id text, lat float8, lon float8, value float8, ts timestamptz);
\copy ev FROM '$IN' WITH (FORMAT csv, HEADER true)
SELECT pg_backend_pid() AS pid \gset
\setenv PGPID :pid
\copy (SELECT user_id, count(*), sum(value), min(value), max(value), avg(value), to_char(min(ts) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), to_char(max(ts) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') FROM ev GROUP BY user_id ORDER BY user_id COLLATE "C") TO '$1' WITH (FORMAT csv)
\\! awk '{ printf "%.2f", (\$14 + \$15) / 100 }' /proc/\$PGPID/stat > "$CPU_FILE"
SQL
}

check() { # $1 meridian rollup, $2 PostgreSQL result
  awk -F, '
    NR == FNR { if (FNR > 1) { c[$1] = $2; s[$1] = $3; lo[$1] = $4; hi[$1] = $5; f[$1] = $7; l[$1] = $8; n++ } next }
    {
      m++; k = $1;
      if (!(k in c)) { print "missing in meridian: " k; bad++; next }
      d = s[k] - $3; if (d < 0) d = -d; r = $3 < 0 ? -$3 : $3; if (r < 1) r = 1;
      if (c[k] != $2 || lo[k] + 0 != $4 + 0 || hi[k] + 0 != $5 + 0 || f[k] != $7 || l[k] != $8 || d > 1e-9 * r) {
        if (bad < 5) print "differs: " k " meridian " c[k] "," s[k] "," lo[k] "," hi[k] "," f[k] "," l[k] " postgres " $0;
        bad++
      }
    }
    END { if (n != m) { print "keys: meridian " n ", postgres " m; bad++ }
          printf "  agree: %d keys, %d differing\n", m, bad; exit bad > 0 }' "$1" "$2"
}

declare -a TABLE
for r in $(seq "$ROUNDS"); do
  echo "round $r, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  bw=-
  if [ -n "${BASE:-}" ]; then
    t0=$(now); run_meridian "$BASE" "$DIR/agg-base.csv" --no-places; t1=$(now)
    bw=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
    bw="$bw s ($(cpu) CPU-s)"
    echo "  $BASE aggregate --no-places: $bw"
  fi
  t0=$(now); run_meridian "$ROOT" "$DIR/agg-meridian.csv" --no-places; t1=$(now)
  mw=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
  mc=$(cpu)
  echo "  meridian aggregate --no-places: $mw s, $(mbs "$mw") MB/s, $mc CPU-s"
  t0=$(now); run_postgres "$DIR/agg-postgres.csv"; t1=$(now)
  pw=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
  pc=$(cpu)
  echo "  postgres COPY + GROUP BY:        $pw s, $(mbs "$pw") MB/s, $pc CPU-s (backend)"
  check "$DIR/agg-meridian.csv" "$DIR/agg-postgres.csv"
  t0=$(now); run_meridian "$ROOT" "$DIR/agg-places.csv"; t1=$(now)
  aw=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
  ac=$(cpu)
  echo "  meridian aggregate (cities):     $aw s, $(mbs "$aw") MB/s, $ac CPU-s"
  t0=$(now); /usr/bin/time -f "%U %S" -o "$CPU_FILE.raw" "$ROOT/meridian" process "$IN" --out "$DIR/agg-process.csv" -q; t1=$(now)
  qc=$(awk '{ printf "%.2f", $1 + $2 }' "$CPU_FILE.raw")
  qw=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
  echo "  meridian process (cities):       $qw s, $(mbs "$qw") MB/s, $qc CPU-s"
  TABLE+=("| $r | $bw | $mw s, $(mbs "$mw") MB/s, $mc CPU-s | $pw s, $(mbs "$pw") MB/s, $pc CPU-s | $(awk -v a="$pw" -v b="$mw" 'BEGIN { printf "%.2f", a / b }')× wall, $(awk -v a="$pc" -v b="$mc" 'BEGIN { printf "%.2f", a / b }')× CPU | $aw s, $ac CPU-s | $qw s, $qc CPU-s | $(cut -d' ' -f1 /proc/loadavg) |")
done
echo
echo "| round | BASE aggregate --no-places | aggregate --no-places | PostgreSQL COPY + GROUP BY | PostgreSQL / Meridian | aggregate (cities) | process (cities) | load |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
printf '%s\n' "${TABLE[@]}"
