#!/usr/bin/env bash
# ROOT=CHECKOUT ab100.sh LABEL: 100-record -c64 (5 s warm, 10 s measured): req/s, p99, server CPU per request
set -u
. "$(dirname "$0")/lib.sh"
start_meridian 3905
post 64 body_100.json 5 >/dev/null
t0=$(cpu $jp); r=$(post 64 body_100.json 10 --latency); t1=$(cpu $jp)
n=$(echo "$r" | grep "requests in" | awk '{print $1}')
echo "$1: $(echo "$r" | grep -E "Requests/sec|  99%" | awk '{print $2}' | paste -sd ' ') cpu $(( (t1-t0)*10000000/n/1000 )) us/req"
stop_server
