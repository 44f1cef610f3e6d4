#!/usr/bin/env bash
# p99 of the 100-record body, alone and right after 10k -c64
set -u
. "$(dirname "$0")/lib.sh"
start_meridian 3901
w() { post "$1" "$2" "$3" --latency | grep -E "Requests/sec|  99%|  50%|Max"; }
echo "warm 100"; w 64 body_100.json 5 >/dev/null
echo "100 alone"; w 64 body_100.json 10
echo "10k c64"; w 64 body_10k.json 10
echo "100 after"; w 64 body_100.json 10
echo "100 again"; w 64 body_100.json 10
stop_server
