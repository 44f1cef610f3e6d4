#!/usr/bin/env bash
. "$(dirname "$0")/../body-pieces-20261130T0020Z/lib.sh"
for rep in 1 2; do
  for warm in no yes; do
    start_meridian 3911
    [ $warm = yes ] && post 64 body_100.json 3 >/dev/null
    post 8 body_10k.json 10 >/dev/null
    post 64 body_10k.json 15 >/dev/null
    r=$(post 64 body_100.json 15 --latency)
    echo "rep $rep small path warmed first: $warm; 100-record $(echo "$r" | grep Requests/sec | awk '{print $2}') req/s p99 $(echo "$r" | grep '  99%' | awk '{print $2}') max $(echo "$r" | grep 'Latency ' | awk '{print $4}')"
    stop_server
  done
done
