#!/usr/bin/env bash
# Nearest city of the same points, in the same run, by Meridian (one thread, batch search), brute force
# (Java, on a sample), geokdbush (npm, `around` with great-circle distance) and PostGIS (geography column,
# GiST index, ORDER BY geog <-> point LIMIT 1, one backend), for three distributions: uniform on the sphere,
# near the cities (~10 km), near the world's airports (~5 km). Prints queries/s and how often each tool's
# answer is Meridian's place, an equally near one (tie) or another.
#
#   bench/compare_nearest.sh [QUERIES=1000000] [SAMPLE=20000] [BRUTE=500]
#
# QUERIES points per distribution for Meridian; the first SAMPLE of them for geokdbush and PostGIS, the
# first BRUTE for brute force. Needs node/npm (geokdbush is installed into a temporary directory) and the
# local PostgreSQL with PostGIS (as root: apt-get install -y postgis postgresql-15-postgis-3); a tool that
# is missing is reported as "not run". Env: PGHOST (127.0.0.1), PGPORT (5432), PGUSER (postgres).
# Results: bench/results/compare-nearest-<UTC time>/ (points, answers, table.txt).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/jdk.sh"
meridian_find_jdk
QUERIES=${1:-1000000}
SAMPLE=${2:-20000}
BRUTE=${3:-500}
OUT="$ROOT/bench/results/compare-nearest-$(date -u +%Y%m%dT%H%M%SZ)"
CITIES="$ROOT/core/src/main/resources/meridian/refs/cities.csv.gz"
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
mkdir -p "$OUT"
TMP=$(mktemp -d)
DB="compare_nearest_$$_$RANDOM"
cleanup() {
  rm -rf "$TMP"
  psql -q -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true
}
trap cleanup EXIT

(cd "$ROOT" && mvn -B -q -DskipTests -Dspotless.check.skip=true package -pl bench -am)
JAVA=("$JAVA_HOME/bin/java" -Xms1g -Xmx1g -XX:+UseParallelGC -cp "$ROOT/bench/target/benchmarks.jar")
echo "# bench/compare_nearest.sh $(date -u +%FT%TZ) nproc=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg)" | tee "$OUT/table.txt"

echo "== Meridian and brute force"
(cd "$ROOT" && "${JAVA[@]}" meridian.bench.NearestCompare run "$OUT" "$QUERIES" "$SAMPLE" "$BRUTE")

echo "== geokdbush"
if command -v npm >/dev/null && (cd "$TMP" && npm init -y >/dev/null && npm install --silent geokdbush@2 kdbush@4 >/dev/null 2>&1); then
  cp "$ROOT/bench/compare_nearest.js" "$TMP/compare_nearest.mjs"
  (cd "$TMP" && node --version && npm ls --depth=0 2>/dev/null | grep -E "geokdbush|kdbush")
  for d in uniform clustered real; do
    node "$TMP/compare_nearest.mjs" "$CITIES" "$OUT/$d.csv" "$OUT/$d.geokdbush"
  done
else
  echo "npm or geokdbush not available: skipped"
fi

echo "== PostGIS"
if psql -q -d postgres -c "CREATE DATABASE $DB" >/dev/null && psql -q -d "$DB" -c "CREATE EXTENSION postgis" >/dev/null; then
  psql -At -d "$DB" -c "SELECT version(); SELECT postgis_full_version();" | cut -c1-120
  psql -q -v ON_ERROR_STOP=1 -d "$DB" <<SQL
CREATE TABLE cities (id text, name text, country text, lat double precision, lon double precision, population bigint);
\copy cities FROM PROGRAM 'gzip -dc $CITIES' WITH (FORMAT csv, HEADER true)
ALTER TABLE cities ADD COLUMN geog geography(Point, 4326);
UPDATE cities SET geog = ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography;
CREATE INDEX ON cities USING gist (geog);
VACUUM ANALYZE cities;
SQL
  for d in uniform clustered real; do
    psql -q -v ON_ERROR_STOP=1 -d "$DB" <<SQL
CREATE TABLE q_$d (i int, lat double precision, lon double precision);
\copy q_$d FROM '$OUT/$d.csv' WITH (FORMAT csv, HEADER true)
ALTER TABLE q_$d ADD COLUMN geog geography(Point, 4326);
UPDATE q_$d SET geog = ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography;
SQL
    # one statement, one backend: the wall time of the whole lateral KNN join
    psql -q -At -v ON_ERROR_STOP=1 -d "$DB" > "$TMP/$d.pg" <<SQL
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE t0 AS SELECT clock_timestamp() AS t;
CREATE TEMP TABLE ans AS
  SELECT q.i, c.id FROM q_$d q CROSS JOIN LATERAL (
    SELECT id FROM cities ORDER BY cities.geog <-> q.geog LIMIT 1) c;
SELECT (SELECT count(*) FROM ans) / extract(epoch FROM clock_timestamp() - (SELECT t FROM t0));
\copy ans TO '$OUT/$d.postgis' WITH (FORMAT csv)
SQL
    tail -1 "$TMP/$d.pg" > "$OUT/$d.postgis.qps"
  done
else
  echo "PostgreSQL with PostGIS not available: skipped"
fi

echo "== table"
(cd "$ROOT" && "${JAVA[@]}" meridian.bench.NearestCompare report "$OUT") | tee -a "$OUT/table.txt"
echo "# load at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/table.txt"
echo "results: $OUT"
