#!/usr/bin/env bash
# Sourced by the process benchmarks: sets IN to a 1,000,000-row CSV of KIND (uniform: uniform on the sphere,
# mostly open ocean; near: within ~10 km of random cities) under bench/results/tmp/ (ignored by git), made
# once by bench/gen_points.sh. Needs ROOT and KIND.
DIR="$ROOT/bench/results/tmp"
mkdir -p "$DIR"
IN="$DIR/points-$KIND.csv"
if [ ! -f "$IN" ]; then
  if [ "$KIND" = near ]; then
    "$ROOT/bench/gen_points.sh" 1000000 42 "$ROOT/core/src/main/resources/meridian/refs/cities.csv.gz" > "$IN"
  else
    "$ROOT/bench/gen_points.sh" 1000000 42 > "$IN"
  fi
fi
