#!/usr/bin/env bash
# Event ingestion throughput into PostgreSQL through the store (the same code path as POST /events after
# parsing): a fresh database, EVENTS new events in calls of BATCH from THREADS client threads, each call one
# transaction acknowledged only after commit.
#
#   bench/ingest.sh [EVENTS=500000] [BATCH=5000] [THREADS=4] [USERS=1000] [PLACES=cities|none]
# Env: MERIDIAN_PG_URL (default jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/jdk.sh"
meridian_find_jdk
ADMIN=${MERIDIAN_PG_URL:-jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres}
DB=meridian_ingest_bench_$$
CP="$ROOT/bench/target/ingest-bench.classpath"
(cd "$ROOT" && ./mvnw -q -B -DskipTests -Dspotless.check.skip=true package dependency:build-classpath \
  -Dmdep.outputFile="$CP" -pl bench -am >/dev/null)
psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $DB"
trap 'psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)"' EXIT
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
"$JAVA_HOME/bin/java" -Xmx1500m -cp "$ROOT/bench/target/classes:$(cat "$CP")" \
  meridian.bench.IngestBench "${ADMIN/\/postgres?//$DB?}" "${1:-500000}" "${2:-5000}" "${3:-4}" "${4:-1000}" "${5:-cities}"
