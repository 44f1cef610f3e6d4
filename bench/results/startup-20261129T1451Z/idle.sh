#!/usr/bin/env bash
# idle.sh DIR PORT [serve opts]: start DIR/meridian serve, wait /health 200, sleep 2, print VmRSS and pmap summary
DIR=$1; PORT=$2; shift 2
cd $DIR
setsid ./meridian serve --port $PORT "$@" >/tmp/lean2/serve.out 2>&1 &
PID=$!
for i in $(seq 1 3000); do
  if curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$PORT/health 2>/dev/null | grep -q 200; then break; fi
  sleep 0.01
done
sleep 2
JPID=$(pgrep -P $PID java || echo $PID)
grep -E 'VmRSS|RssAnon|RssFile|RssShmem' /proc/$PID/status | tr '\n' ' '; echo
if [ -n "${PMAP:-}" ]; then cat /proc/$PID/smaps > /tmp/lean2/launcher.smaps; fi
if [ -n "${NMT:-}" ]; then $JAVA_HOME/bin/jcmd $PID VM.native_memory summary > /tmp/lean2/nmt.txt; fi
kill -TERM $PID; wait $PID 2>/dev/null
