#!/usr/bin/env bash
. "$(dirname "$0")/../body-pieces-20261130T0020Z/lib.sh"
snap() { for t in /proc/$jp/task/*; do echo "$(basename $t) $(tr ' ' '_' < $t/comm) $(awk '{print $14+$15}' $t/stat)"; done; }
start_meridian 3910
post 8 body_10k.json 10 >/dev/null
post 64 body_10k.json 15 >/dev/null
snap > /tmp/g0; sleep 1; snap > /tmp/g1; sleep 2; snap > /tmp/g2
stop_server
join /tmp/g0 /tmp/g1 | awk '$5-$3 > 0 {printf "first second: %-28s %4d0 ms\n", $2, $5-$3}'
join /tmp/g1 /tmp/g2 | awk '$5-$3 > 0 {printf "next 2 s:     %-28s %4d0 ms\n", $2, $5-$3}'
