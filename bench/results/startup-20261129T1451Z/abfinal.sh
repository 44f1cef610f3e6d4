#!/usr/bin/env bash
B=/tmp/lean2/before; A=/work/wt/lean2; S="--tcp-port 0 --db off --refs /work/shared/tools/seed_refs.csv"
for T in $B $A; do rm -f $T/cli/target/meridian-serve.aot; $T/bench/ready-time.sh 1 18230 $S >/dev/null; done
for r in 1 2; do
  echo "before seed:"; $B/bench/ready-time.sh 3 18230 $S
  echo "after seed:"; $A/bench/ready-time.sh 3 18231 $S
done
for r in 1 2; do /tmp/lean2/idle.sh $B 18232 $S | sed 's/^/before idle: /'; /tmp/lean2/idle.sh $A 18233 $S | sed 's/^/after idle: /'; done
for T in $B $A; do rm -f $T/cli/target/meridian-serve.aot; done
(cd /tmp/lean2/plain-before && $B/bench/ready-time.sh 1 18234 >/dev/null)
(cd /tmp/lean2/plain-after && $A/bench/ready-time.sh 1 18235 >/dev/null)
for r in 1 2; do
  echo "before plain:"; (cd /tmp/lean2/plain-before && $B/bench/ready-time.sh 3 18234)
  echo "after plain:"; (cd /tmp/lean2/plain-after && $A/bench/ready-time.sh 3 18235)
done
