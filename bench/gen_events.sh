#!/usr/bin/env bash
# Writes a CSV of N events for `meridian aggregate` runs (and the PostgreSQL comparison).
#
#   bench/gen_events.sh [N=1000000] [KEYS=50000] [SEED=7] > events.csv
#
# Columns: id,user_id,lat,lon,value,ts — KEYS users (u00000 ...), points uniform on the sphere with
# 6 decimals, values with 2 decimals in [0, 1000), ts ISO-8601 UTC with a Z, one second apart from
# 2023-11-14T22:13:20Z in id order. 1,000,000 events are about 62 MB.
set -euo pipefail
N=${1:-1000000}
KEYS=${2:-50000}
SEED=${3:-7}
awk -v n="$N" -v keys="$KEYS" -v seed="$SEED" '
  function iso(t,   d, s, z, era, doe, yoe, y, doy, mp, dd, m) {
    d = int(t / 86400); s = t - d * 86400;
    z = d + 719468; era = int(z / 146097); doe = z - era * 146097;
    yoe = int((doe - int(doe / 1460) + int(doe / 36524) - int(doe / 146096)) / 365);
    y = yoe + era * 400; doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100));
    mp = int((5 * doy + 2) / 153); dd = doy - int((153 * mp + 2) / 5) + 1;
    m = mp < 10 ? mp + 3 : mp - 9; if (m <= 2) y++;
    return sprintf("%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, dd, int(s / 3600), int(s % 3600 / 60), s % 60);
  }
  BEGIN {
    srand(seed);
    pi = atan2(0, -1);
    print "id,user_id,lat,lon,value,ts";
    for (i = 1; i <= n; i++) {
      z = 2 * rand() - 1;
      lat = atan2(z, sqrt(1 - z * z)) * 180 / pi;
      lon = 360 * rand() - 180;
      printf "%d,u%05d,%.6f,%.6f,%.2f,%s\n", i, int(rand() * keys), lat, lon, rand() * 1000, iso(1700000000 + i);
    }
  }'
