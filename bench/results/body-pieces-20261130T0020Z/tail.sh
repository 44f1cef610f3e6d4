#!/usr/bin/env bash
# CPU ticks of the server per 100 ms after a 10k -c64 run of 10 s ends (WHO=a: the anchor)
set -u
. "$(dirname "$0")/lib.sh"
if [ "${WHO:-m}" = a ]; then start_anchor 3901; else start_meridian 3901; fi
post 64 body_10k.json 10 | grep -E "Requests/sec"
p=$(cpu $jp); for _ in $(seq 20); do sleep 0.1; c=$(cpu $jp); echo -n "$((c-p)) "; p=$c; done; echo
stop_server
