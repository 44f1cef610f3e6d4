# Sourced by the wrk benchmarks (cpu-per-request.sh, http-layer-ab.sh): the anchor's 100-record body and the
# wrk script that POSTs it, written into directory $1, and the two readings both take.
# Body: id 0..99, lat 35 + id % 10, lon -120 + id % 5, payload 64 x 1.0.
meridian_wrk_post() {
  awk 'BEGIN{pl="1.0";for(i=1;i<64;i++)pl=pl",1.0";printf "[";for(id=0;id<100;id++){if(id>0)printf ",";printf "{\"id\":%d,\"point\":{\"lat\":%.1f,\"lon\":%.1f},\"payload\":[%s]}",id,35.0+(id%10),-120.0+(id%5),pl}printf "]"}' > "$1/body_100.json"
  cat > "$1/post.lua" <<LUA
local f = assert(io.open("$1/body_100.json", "rb")); wrk.body = f:read("*a"); f:close()
wrk.method = "POST"; wrk.headers["Content-Type"] = "application/json"
LUA
}
# utime+stime of process $1, in clock ticks
cpu() { awk '{print $14+$15}' "/proc/$1/stat"; }
# system CPU ticks of process $1 (the kernel's part of cpu)
sys() { awk '{print $15}' "/proc/$1/stat"; }
# the second word of the line of file $1 matching $2 (a wrk summary figure)
field() { grep -E "$2" "$1" | awk '{print $2}'; }
# CPU ticks of the compiler threads of JVM $1 (0 for a process that has none)
jit() {
  local s=0 t
  for t in /proc/$1/task/*; do
    grep -q Compiler "$t/comm" 2>/dev/null && s=$((s + $(awk '{print $14+$15}' "$t/stat")))
  done
  echo $s
}
