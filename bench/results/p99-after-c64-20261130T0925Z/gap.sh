#!/usr/bin/env bash
. "$(dirname "$0")/../body-pieces-20261130T0020Z/lib.sh"
for rep in 1 2; do
  for gap in 0 3; do
    start_meridian 3908
    post 8 body_10k.json 10 >/dev/null
    post 64 body_10k.json 15 >/dev/null
    c0=$(cpu $jp); sleep $gap; c1=$(cpu $jp)
    r=$(post 64 body_100.json 15 --latency)
    echo "rep $rep gap ${gap}s: cpu in the gap $((c1-c0))0 ms; 100-record $(echo "$r" | grep Requests/sec | awk '{print $2}') req/s p99 $(echo "$r" | grep '  99%' | awk '{print $2}') max $(echo "$r" | grep 'Latency ' | awk '{print $4}')"
    stop_server
  done
done
