#!/usr/bin/env bash
# Which country contains a point: Meridian's region index against PostGIS ST_Covers on the same polygons and
# the same points, in one run (the machine is shared and noisy: Meridian is timed before and after PostGIS).
#   - polygons: the bundled Natural Earth countries as Meridian repairs them (antimeridian rings unwrapped
#     and kept once more shifted by 360°, polar rings closed past the pole), exported ring by ring,
#     each ring made a valid polygon (ST_MakeValid), a unit the symmetric difference of its rings (even-odd);
#   - points: 199,568 each of uniform on the sphere, the GeoNames cities, and points within ~5 km of cities;
#   - PostGIS: ST_Covers with a GiST index, on the polygons cut by ST_Subdivide(128) (all points) and as they
#     are (a sample: it is slow); the answer is the lowest unit covering the point, as in Meridian.
#
#   bench/regions_vs_postgis.sh [SAMPLE]    SAMPLE: points for the not-subdivided run (default 2000)
# Env: PGHOST (127.0.0.1), PGUSER (postgres). Results in bench/results/regions-<UTC time>.txt
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/jdk.sh"
meridian_find_jdk
SAMPLE=${1:-2000}
export PGHOST=${PGHOST:-127.0.0.1} PGUSER=${PGUSER:-postgres}
OUT="$ROOT/bench/results/regions-$(date -u +%Y%m%dT%H%M%SZ).txt"
WORK=$(mktemp -d /tmp/meridian-regions.XXXXXX)
DB="meridian_regions_$RANDOM$RANDOM"
mkdir -p "$ROOT/bench/results"
trap 'dropdb --if-exists "$DB" >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT

if ! psql -d postgres -Atc "select 1 from pg_available_extensions where name = 'postgis'" | grep -q 1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get install -y postgis postgresql-15-postgis-3 >/dev/null
  else
    echo "PostGIS is not installed: run as root, or: apt-get install -y postgis postgresql-15-postgis-3" >&2
    exit 1
  fi
fi
[ -f "$ROOT/bench/target/benchmarks.jar" ] ||
  (cd "$ROOT" && mvn -B -q -DskipTests -Dspotless.check.skip=true package -pl bench -am)
JAR="$ROOT/bench/target/benchmarks.jar"
fig() { "$JAVA_HOME/bin/java" -Xms1g -Xmx1g -cp "$JAR" meridian.bench.RegionFigures "$@"; }

{
  echo "# bench/regions_vs_postgis.sh $(date -u +%FT%TZ) nproc=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# $(psql -d postgres -Atc 'select version()' | cut -c1-40), PostGIS $(psql -d postgres -Atc "select default_version from pg_available_extensions where name='postgis'")"
  echo "## Meridian: load and memory (fresh JVM, bundled snapshot)"
  fig load
  fig export "$WORK"
  echo "## Meridian before (containment, one core)"
  for k in uniform cities near_cities; do fig time "$k" 199568; done

  createdb "$DB"
  psql -q -v ON_ERROR_STOP=1 -d "$DB" <<SQL
SET client_min_messages = warning;
CREATE EXTENSION postgis;
CREATE TABLE rings (unit int, r int, wkt text);
\copy rings FROM '$WORK/rings.tsv'
-- even-odd over the rings of a unit: the symmetric difference of the rings' (valid) polygons
CREATE FUNCTION xor_step(a geometry, b geometry) RETURNS geometry
  AS 'SELECT CASE WHEN a IS NULL THEN b WHEN b IS NULL THEN a ELSE ST_SymDifference(a, b) END' LANGUAGE sql;
CREATE AGGREGATE xor_agg(geometry) (SFUNC = xor_step, STYPE = geometry);
CREATE TABLE ring_polys AS
  SELECT unit, r, ST_CollectionExtract(ST_MakeValid(ST_MakePolygon(g)), 3) AS geom
  FROM (SELECT unit, r, ST_GeomFromText(wkt, 4326) AS g FROM rings) x WHERE ST_IsClosed(g) AND ST_NPoints(g) >= 4;
CREATE TABLE regions AS
  SELECT unit, xor_agg(geom ORDER BY ST_Area(geom) DESC) AS geom FROM ring_polys WHERE NOT ST_IsEmpty(geom) GROUP BY unit;
CREATE INDEX ON regions USING gist (geom);
CREATE TABLE regions_sub AS SELECT unit, ST_Subdivide(geom, 128) AS geom FROM regions;
CREATE INDEX ON regions_sub USING gist (geom);
CREATE TABLE pts (kind text, id int, lat float8, lon float8, meridian int);
\copy pts FROM '$WORK/points.csv' WITH (FORMAT csv)
ALTER TABLE pts ADD COLUMN geom geometry(Point, 4326);
UPDATE pts SET geom = ST_SetSRID(ST_MakePoint(lon, lat), 4326);
ANALYZE;
SQL
  echo "## PostGIS polygons"
  psql -d "$DB" -Atc "select 'units ' || count(*) || ', invalid after ST_BuildArea ' || count(*) filter (where not ST_IsValid(geom)) from regions"
  psql -d "$DB" -Atc "select 'subdivided pieces ' || count(*) from regions_sub"
  psql -d "$DB" -Atc "select 'rings PostGIS would not take as closed: ' || count(*) || ' ' || coalesce(string_agg(unit || ':' || ST_NPoints(ST_GeomFromText(wkt)), ' '), '') from rings where not ST_IsClosed(ST_GeomFromText(wkt)) or ST_NPoints(ST_GeomFromText(wkt)) < 4"
  echo "## PostGIS ST_Covers, subdivided (128), all points; not subdivided, first $SAMPLE cities"
  psql -q -d "$DB" <<SQL | grep -E '^(Time|[a-z_]+ )'
\timing on
\echo uniform subdivided
CREATE TABLE r_uniform AS SELECT p.id, (SELECT min(r.unit) FROM regions_sub r WHERE ST_Covers(r.geom, p.geom)) AS unit FROM pts p WHERE kind = 'uniform';
\echo cities subdivided
CREATE TABLE r_cities AS SELECT p.id, (SELECT min(r.unit) FROM regions_sub r WHERE ST_Covers(r.geom, p.geom)) AS unit FROM pts p WHERE kind = 'cities';
\echo near_cities subdivided
CREATE TABLE r_near_cities AS SELECT p.id, (SELECT min(r.unit) FROM regions_sub r WHERE ST_Covers(r.geom, p.geom)) AS unit FROM pts p WHERE kind = 'near_cities';
\echo cities_sample not_subdivided
CREATE TABLE r_whole AS SELECT p.id, (SELECT min(r.unit) FROM regions r WHERE ST_Covers(r.geom, p.geom)) AS unit FROM pts p WHERE kind = 'cities' AND id < $SAMPLE;
SQL
  echo "## agreement (same unit, or both none)"
  for k in uniform cities near_cities; do
    psql -d "$DB" -Atc "select '$k ' || count(*) || ' points, agree ' || round(100.0 * count(*) filter (where coalesce(r.unit, -1) = p.meridian) / count(*), 4) || '%, differ ' || count(*) filter (where coalesce(r.unit, -1) <> p.meridian) from pts p join r_$k r using (id) where p.kind = '$k'"
  done
  psql -d "$DB" -Atc "select 'cities_sample_whole ' || count(*) || ' points, agree ' || round(100.0 * count(*) filter (where coalesce(r.unit, -1) = p.meridian) / count(*), 4) || '%' from pts p join r_whole r using (id) where p.kind = 'cities'"
  psql -d "$DB" -Atc "select 'differing cities (first 10): ' || coalesce(string_agg(d.lat || ',' || d.lon || ' meridian=' || d.meridian || ' postgis=' || d.unit, '; '), 'none') from (select p.lat, p.lon, p.meridian, coalesce(r.unit, -1) as unit from pts p join r_cities r using (id) where p.kind = 'cities' and coalesce(r.unit, -1) <> p.meridian limit 10) d"
  echo "## Meridian after (containment, one core)"
  for k in uniform cities near_cities; do fig time "$k" 199568; done
  fig time cities "$SAMPLE"
  echo "# load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
} 2>&1 | tee "$OUT"
echo "results: $OUT"
