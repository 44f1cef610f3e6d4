#!/usr/bin/env bash
# Writes a CSV of N random event points, uniform on the sphere, for `meridian process` throughput runs.
# Usage: bench/gen_points.sh [N=1000000] [SEED=42] > points.csv
# Columns: id,lat,lon,user_id,ts,value (coordinates with 6 decimals, as GPS fixes usually have).
set -euo pipefail
N=${1:-1000000}
SEED=${2:-42}
awk -v n="$N" -v seed="$SEED" 'BEGIN {
  srand(seed);
  pi = atan2(0, -1);
  print "id,lat,lon,user_id,ts,value";
  for (i = 1; i <= n; i++) {
    z = 2 * rand() - 1;
    lat = atan2(z, sqrt(1 - z * z)) * 180 / pi;
    lon = 360 * rand() - 180;
    printf "%d,%.6f,%.6f,u%05d,%d,%.2f\n", i, lat, lon, int(rand() * 50000), 1700000000 + i, rand() * 1000;
  }
}'
