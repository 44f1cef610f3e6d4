#!/usr/bin/env bash
# GET / for 10 s right after POST-only load, as side_by_side.sh orders it (10k -c8 10 s, 100 -c64 10 s), the
# anchor and Meridian alternated. PAIRS (default 3); VARIANTS: space-separated JAVA_TOOL_OPTIONS for Meridian
# ("," for spaces; "-" for none; default "-"). Prints GET req/s, p99, the server's CPU per GET (from /proc)
# and its JIT compiler threads' CPU during the GET run (lib.sh's measure).
set -u
. "$(dirname "$0")/../body-pieces-20261130T0020Z/lib.sh" # the service and the anchor, started as there
get_after_post() { # $1 label
  post 8 body_10k.json 10 >/dev/null; post 64 body_100.json 10 >/dev/null
  measure "$1: GET /" wrk -t1 -c64 -d10s --latency "$url/"; echo
}
for p in $(seq "${PAIRS:-3}"); do
  start_anchor 3900; get_after_post "pair $p anchor"; stop_server
  for v in ${VARIANTS:--}; do
    JTO=$([ "$v" = - ] || echo "$v" | tr , ' ') start_meridian 3901; get_after_post "pair $p meridian ${v}"; stop_server
  done
done
