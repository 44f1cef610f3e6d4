#!/usr/bin/env bash
# Writes a CSV of N random event points for `meridian process` throughput runs.
#
#   bench/gen_points.sh [N=1000000] [SEED=42] [PLACES] > points.csv
#
# Without PLACES: uniform on the sphere (70% open ocean: the hardest case for a nearest-place search).
# With PLACES (a reference-set CSV, optionally gzipped, with lat/lon columns, e.g.
# core/src/main/resources/meridian/refs/cities.csv.gz): each point lies near a random place of it
# (about 10 km of Gaussian jitter), as real events cluster where people are.
# Columns: id,lat,lon,user_id,ts,value (coordinates with 6 decimals, as GPS fixes usually have).
set -euo pipefail
N=${1:-1000000}
SEED=${2:-42}
PLACES=${3:-}
places() {
  case "$PLACES" in
    "") ;;
    *.gz) gzip -dc "$PLACES" ;;
    *) cat "$PLACES" ;;
  esac
}
places | awk -F, -v n="$N" -v seed="$SEED" -v near="${PLACES:+1}" '
  NR == 1 { for (c = 1; c <= NF; c++) { if ($c == "lat") la = c; if ($c == "lon") lo = c }; next }
  { plat[m] = $la; plon[m] = $lo; m++ }
  END {
    srand(seed);
    pi = atan2(0, -1);
    print "id,lat,lon,user_id,ts,value";
    for (i = 1; i <= n; i++) {
      if (near) {
        p = int(rand() * m);
        r = sqrt(-2 * log(1 - rand())) * 0.09; t = 2 * pi * rand();
        lat = plat[p] + r * cos(t); lon = plon[p] + r * sin(t);
        if (lat > 90) lat = 90; if (lat < -90) lat = -90;
        if (lon > 180) lon -= 360; if (lon < -180) lon += 360;
      } else {
        z = 2 * rand() - 1;
        lat = atan2(z, sqrt(1 - z * z)) * 180 / pi;
        lon = 360 * rand() - 180;
      }
      printf "%d,%.6f,%.6f,u%05d,%d,%.2f\n", i, lat, lon, int(rand() * 50000), 1700000000 + i, rand() * 1000;
    }
  }'
