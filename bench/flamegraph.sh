#!/usr/bin/env bash
# A CPU flame graph of a running Meridian JVM (the service, or a long `process`), with async-profiler
# attached on the fly; nothing to restart, nothing to install but the profiler jar from Maven Central.
#
#   bench/flamegraph.sh PID [SECONDS=30] [OUT=flame-<pid>.html] [EVENT=itimer]
#
# EVENT: itimer (CPU time, works in any VM), cpu (perf_events, where the kernel allows it), wall, alloc.
# Open OUT in a browser. Example with the service under load:
#   ./meridian serve & sleep 5; ../shared/anchors/rust-seed/bench.sh http://127.0.0.1:8080 & \
#   bench/flamegraph.sh "$(pgrep -f 'meridian.jar serve')" 20
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/jdk.sh"
meridian_find_jdk
PID=${1:?usage: flamegraph.sh PID [SECONDS] [OUT] [EVENT]}
SECONDS_TO_PROFILE=${2:-30}
OUT=$(realpath -m "${3:-flame-$PID.html}")
EVENT=${4:-itimer}
VERSION=4.6
DIR="$ROOT/bench/target/profiler"
LIB="$DIR/linux-x64/libasyncProfiler.so"
[ "$(uname -m)" = aarch64 ] && LIB="$DIR/linux-arm64/libasyncProfiler.so"

if [ ! -f "$LIB" ]; then
  mkdir -p "$DIR"
  (cd "$ROOT" && mvn -q -B dependency:copy -Dartifact=tools.profiler:async-profiler:$VERSION -DoutputDirectory="$DIR" >/dev/null)
  (cd "$DIR" && "$JAVA_HOME/bin/jar" xf "async-profiler-$VERSION.jar" linux-x64/libasyncProfiler.so linux-arm64/libasyncProfiler.so)
fi
# the options go in quotes of their own, or jcmd splits them into its own arguments
"$JAVA_HOME/bin/jcmd" "$PID" JVMTI.agent_load "$LIB" "\"start,event=$EVENT,interval=1ms\"" >/dev/null
echo "profiling $PID ($EVENT) for ${SECONDS_TO_PROFILE}s ..."
sleep "$SECONDS_TO_PROFILE"
"$JAVA_HOME/bin/jcmd" "$PID" JVMTI.agent_load "$LIB" "\"stop,file=$OUT\"" >/dev/null
echo "flame graph: $OUT"
