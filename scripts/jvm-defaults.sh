# Sourced by the launcher (./meridian) and by the runtime image's bin/meridian (scripts/runtime-image.sh), so
# that every way of starting Meridian gets the same JVM options; the Dockerfile runs the image's bin/meridian.
#
#   meridian_jvm_defaults CACHE_DIR JAR COMMAND [ARGS...]      (JAVA_HOME: the Java runtime that will run it)
#
# Sets MERIDIAN_JAVA_OPTS (and the malloc settings) for COMMAND unless MERIDIAN_JAVA_OPTS is already set, which
# then replaces all of them. CACHE_DIR keeps what a first run makes for the later ones (an AOT cache per command:
# serve, process, search, aggregate, with serve --db off, process --country, process -k N and aggregate --no-places
# apart); when it is not writable, runs go without them: slower to start, the same otherwise.
#
# Defaults when MERIDIAN_JAVA_OPTS is unset (see BENCHMARKS.md for each figure):
# - the serial collector on two cores or fewer (no GC threads competing with request threads; measured best
#   there), the JVM's choice above;
# - a heap sized from what the service can hold, not a quarter of RAM, starting at 8 MB (1.6 MB less idle RSS
#   than 16 MB with two places; it grows as used, same throughput, BENCHMARKS.md): the reference sets and runtime
#   (64 MB, or 128 MB with the bundled 200k cities: 71 MB of them live) plus 14 MB per admitted request
#   (max-in-flight, 8 by default; a 10k-record batch with 64-value payloads holds 8.5 MB of columns, and
#   the rest is room for the collector: 10k-record bodies at -c 8 ran 21.5 / 23.8 req/s at 8 MB a slot
#   against 28.0 / 27.4 at 14, alternated, for 55 MB more peak RSS, 280 against 335 MB); it
#   starts small and grows only as used. Request bodies and answers are outside the heap, bounded by the
#   service (the body budget, writes that wait for the socket; docs/ARCHITECTURE.md). Measured with the
#   side-by-side run: 96 + 12 x 16 MB filled to its bound on every load, peak RSS 561 MB; now 261 MB.
# - for serve, exit on out-of-memory rather than limp on (the other commands report it themselves, with a hint
#   and exit status 4: the JVM's own exit on it is status 3, which reads as Meridian's I/O error);
# - two malloc arenas instead of one per thread that ever allocated natively (saves ~5 MB of idle RSS, measured); for serve, allocations of 1 MiB and more
#   (Netty's buffers are native memory from malloc on JDK 25) mapped and unmapped on their own instead of
#   staying in the arenas once freed (glibc raises its mapping threshold after each free, up to 32 MB):
#   peak RSS of the 10k-record load 252 / 261 / 248 MB against 276 / 286 / 274 MB without, three
#   alternated pairs, same throughput within noise (BENCHMARKS.md);
# - for serve, sun.misc.Unsafe allowed to Netty, as Netty advises on JDK 24 and later: without it Netty frees
#   its direct buffers through a foreign-function downcall that it links at start (about a hundred method
#   handle classes spun, the class-file API loaded and compiled): idle RSS with two places 58.3 / 58.4 MB
#   against 66.4 / 66.4 MB, ready sooner (BENCHMARKS.md);
# - for serve, an ahead-of-time cache (JDK 25, JEP 483/514/515: classes loaded and linked, method
#   profiles), recorded by the first run when it exits and used by every later run; remade when the jar
#   changes. It cuts start-up to first answer by about half. The other commands get one too, made in two
#   steps (below), whose recorded methods they compile as soon as their classes are ready, and transparent
#   huge pages;
# - for process, aggregate and search on an input known to be short (under 96 MiB, not a pipe), the quick
#   compiler alone: the optimising one costs more than it earns on runs of under ~1.5 M rows (below).
# The CPUs this process may run on, as nproc counts them (its affinity, e.g. a container's cpuset), read by
# the shell itself: starting a program costs ~5 ms here, at every launch. With nproc, tr, dirname and sed
# replaced by the shell's own reading, the launcher takes 18-22 ms before java starts, against 29-36 ms (five
# runs each; what is left is bash, the jar's staleness check and java's exec). 2 when unknown.
meridian_cpus() {
  local k v n=0 part lo hi
  while read -r k v; do
    [ "$k" = Cpus_allowed_list: ] && break
    v=""
  done < /proc/self/status 2>/dev/null
  [ -n "$v" ] || { echo 2; return; }
  for part in ${v//,/ }; do
    lo=${part%-*}; hi=${part#*-}
    n=$((n + hi - lo + 1))
  done
  echo "$n"
}

# Whether what a batch command will read is known to be short: standard input is not a pipe or a socket (whose
# length nobody knows beforehand), and the regular files named on its command line (its input, a reference set;
# not the output, -o/--out, which is written, not read) and standard input when it is a file come to less than
# 96 MiB together. One stat for all of them, none when no argument names a file.
meridian_short_input() {
  local a s sizes prev="" total=0 files=()
  if [ -p /dev/stdin ] || [ -S /dev/stdin ]; then
    return 1
  fi
  [ -f /dev/stdin ] && files+=(/dev/stdin)
  for a in "$@"; do
    case "$prev" in -o | --out) prev=""; continue ;; esac
    prev=$a
    [ -f "$a" ] && files+=("$a")
  done
  [ ${#files[@]} -eq 0 ] && return 0
  sizes=$(stat -Lc %s -- "${files[@]}" 2>/dev/null) || return 1 # without stat: as for an unknown length
  for s in $sizes; do
    total=$((total + s))
  done
  [ "$total" -lt $((96 << 20)) ]
}

# "yes" when the kernel gives transparent huge pages to a process that asks (its setting "always" or "madvise"),
# read by the shell itself (no process started).
meridian_thp() {
  local mode=""
  read -r mode < /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || true
  case "$mode" in *"[always]"* | *"[madvise]"*) echo yes ;; *) echo no ;; esac
}

meridian_jvm_defaults() {
  local cache=$1 jar=$2 slots base db prev a cmd aot record native modes m k recording=""
  shift 2
  if [ -z "${MERIDIAN_JAVA_OPTS+x}" ]; then
    MERIDIAN_JAVA_OPTS="--enable-native-access=ALL-UNNAMED"
    [ "$(meridian_cpus)" -le 2 ] && MERIDIAN_JAVA_OPTS="$MERIDIAN_JAVA_OPTS -XX:+UseSerialGC"
    if [ "${1:-}" = serve ]; then
      slots=${MERIDIAN_MAX_IN_FLIGHT:-8}; base=128; db=${MERIDIAN_DB:-embedded}
      [ -n "${MERIDIAN_REFS:-}" ] && [ "${MERIDIAN_REFS}" != cities ] && base=64
      prev=""
      for a in "$@"; do
        case "$prev" in
          --max-in-flight) slots=$a ;;
          --refs) [ "$a" = cities ] && base=128 || base=64 ;;
          --db) db=$a ;;
        esac
        case "$a" in
          --max-in-flight=*) slots=${a#*=} ;;
          --refs=*) [ "${a#*=}" = cities ] && base=128 || base=64 ;;
          --db=*) db=${a#*=} ;;
        esac
        prev=$a
      done
      case "$slots" in '' | *[!0-9]*) slots=8 ;; esac
      MERIDIAN_JAVA_OPTS="$MERIDIAN_JAVA_OPTS -XX:+ExitOnOutOfMemoryError -Xms8m -Xmx$((base + 14 * slots))m"
      MERIDIAN_JAVA_OPTS="$MERIDIAN_JAVA_OPTS --sun-misc-unsafe-memory-access=allow"
      # Netty's epoll library extracted from the jar once, beside it (remade when the jar changes), and found on
      # java.library.path, which Netty tries first: else it copies it to a new temporary file at every start,
      # whose name seeds a SecureRandom (the security providers' start): ~15 ms of the main thread's CPU.
      # (The runtime image, which has no jar tool, carries it extracted: scripts/runtime-image.sh.)
      native="${jar%/*}/native"
      if [ -x "$JAVA_HOME/bin/jar" ] && [ -w "${jar%/*}" ] \
        && { [ ! -d "$native/META-INF/native" ] || [ "$jar" -nt "$native" ]; }; then
        rm -rf "$native" && mkdir -p "$native" \
          && (cd "$native" && "$JAVA_HOME/bin/jar" --extract --file "$jar" META-INF/native/ 2>/dev/null) \
          || rm -rf "$native"
      fi
      [ -d "$native/META-INF/native" ] \
        && MERIDIAN_JAVA_OPTS="$MERIDIAN_JAVA_OPTS -Djava.library.path=$native/META-INF/native:/usr/java/packages/lib:/usr/lib64:/lib64:/lib:/usr/lib"
      export MALLOC_MMAP_THRESHOLD_=${MALLOC_MMAP_THRESHOLD_:-1048576}
    fi
    cmd=${1:-main}
    cmd=${cmd//[^a-z]/_}
    # serve without users and events (--db off) keeps a cache of its own: a cache recorded by a start with a
    # database holds the store's classes (its driver, pool and migrations: 37 MB against 24 MB), which every later
    # start maps; with --db off such a cache left 68.8-69.0 MB idle and ready in 626-632 ms, against 55.5-55.6 MB
    # and 495-503 ms with one recorded by a start with --db off (two places; BENCHMARKS.md).
    [ "$cmd" = serve ] && [ "${db:-}" = off ] && cmd=serve_no_db
    # The options that send a command down other code keep a cache of their own, so that a first run of one kind
    # does not leave the other kind a cache without its methods (the cache's compiles are those of the run that
    # recorded it). 1 M rows or events with the cities, alternated, the cache swapped in before each run:
    # aggregate 1.15-1.27 s with a cache recorded by a run with places against 1.31-1.52 s with one recorded by a
    # --no-places run; process --country 1.16-1.26 s against 1.38-1.63 s with one recorded by a plain process;
    # plain process 0.85-0.96 s against 1.10-1.17 s with one recorded by process -k 3 (BENCHMARKS.md).
    case "$cmd" in
      aggregate) modes="--no-places" ;;
      process) modes="--country" ;;
      *) modes="" ;;
    esac
    for m in $modes; do
      for a in "$@"; do
        if [ "$a" = "$m" ]; then m=${m#--}; cmd="${cmd}_${m//[^a-z]/_}"; break; fi
      done
    done
    if [ "$cmd" != "${cmd#process}" ]; then
      # -k N above 1 (as "-k N", "-k=N" or "-kN") takes the k-nearest path
      k=1 prev=""
      for a in "$@"; do
        [ "$prev" = -k ] && k=$a
        case "$a" in -k=*) k=${a#-k=} ;; -k[0-9]*) k=${a#-k} ;; esac
        prev=$a
      done
      [ "$k" != 1 ] && cmd="${cmd}_k"
    fi
    if [ "${1:-}" = serve ]; then
      aot="$cache/meridian-$cmd.aot"
      # Classes and linking only: the cache's method profiles, replayed at start, had the JIT compile the
      # start-up code of the training run (up to 14 MB more of compiler memory at idle in some starts, and
      # 1.3 MB more cache); the request paths are compiled from their own profiles as before. And the JIT
      # waits for 3x the usual calls before compiling: start-up code that runs a few hundred times is no longer
      # compiled (start-up CPU 0.30 -> 0.25 s, idle RSS -1.2 MB with two places), while the request paths
      # still are within their first requests (/enrich 10k bodies: CPU per request 0.94-1.04x, four
      # alternated pairs, BENCHMARKS.md).
      # (a diagnostic flag of JDK 25: a later JDK that drops it must still start, hence IgnoreUnrecognizedVMOptions)
      MERIDIAN_JAVA_OPTS="$MERIDIAN_JAVA_OPTS -XX:+IgnoreUnrecognizedVMOptions -XX:+UnlockDiagnosticVMOptions"
      MERIDIAN_JAVA_OPTS="$MERIDIAN_JAVA_OPTS -XX:-AOTReplayTraining"
      MERIDIAN_JAVA_OPTS="$MERIDIAN_JAVA_OPTS -XX:CompileThresholdScaling=3"
      # The JIT compiles every branch of a method, not only the ones taken so far: a service's traffic changes
      # (GET / after minutes of POST /enrich took branches of the shared request path that the POST traffic never
      # had), and each such branch, pruned from the compiled code, sent its method back to the interpreter and
      # the JIT to a new compile. GET / -c 64 for 10 s right after the harness's POST runs, three alternated
      # triples on a quiet machine: 106-117k req/s (p99 1.5-1.6 ms, 8.4-9.0 us of CPU a request, the JIT
      # 90-120 ms) against 95-113k (p99 1.9-2.1 ms, 8.9-10.5 us, the JIT 520-740 ms); the anchor 101-123k
      # (BENCHMARKS.md).
      MERIDIAN_JAVA_OPTS="$MERIDIAN_JAVA_OPTS -XX:PerMethodTrapLimit=0"
      if [ ! -w "$cache" ]; then
        : # no place for the cache: start without one
      elif [ -f "$aot" ] && [ "$aot" -nt "$jar" ] && [ -f "$aot.served" ]; then
        MERIDIAN_JAVA_OPTS="$MERIDIAN_JAVA_OPTS -XX:AOTCache=$aot"
      else
        rm -f "$aot" "$aot.served"
        # (the recording run sends itself a few requests once it listens, so that the cache holds the classes
        # of the request path even if no client comes before it stops, and marks that it served: a first start
        # that stopped before it listened, such as a usage error, leaves a cache the next start records anew;
        # meridian.server.AotTraining)
        MERIDIAN_JAVA_OPTS="$MERIDIAN_JAVA_OPTS -XX:AOTCacheOutput=$aot -Dmeridian.aot.recording=true"
        MERIDIAN_JAVA_OPTS="$MERIDIAN_JAVA_OPTS -Dmeridian.aot.served=$aot.served"
      fi
    else
      # The heap and the compiled code in 2 MB pages where the kernel offers them (transparent huge pages,
      # "always" or "madvise"; with "never" the JVM would warn on standard output): the nearest search is a
      # chain of cache and TLB misses through the index, and the commands' start fills tens of MB of fresh
      # heap (the snapshots). Alternated on 1 M rows: process (cities) 42-46 MB/s against 34-39, aggregate
      # --no-places 1.24-1.49 s against 1.51-1.56, search --near 0.41-0.52 s against 0.54-0.59
      # (BENCHMARKS.md). Not for serve: 8 MB more idle RSS with two places.
      [ "$(meridian_thp)" = yes ] && MERIDIAN_JAVA_OPTS="$MERIDIAN_JAVA_OPTS -XX:+UseTransparentHugePages"
      # Arrays of 512 KB and more straight into the old generation: they are the reference set, its index and
      # the blocks' reused buffers, which live as long as the run; the serial collector's first young
      # collection copied them all (101 MB -> 56 MB, 127-163 ms of pause, and the fresh pages it copied into).
      # 1 M rows with the cities, alternated pairs: process 0.86-0.94 s of work (67-73 MB/s) and no collection
      # at all, against 0.93-1.18 s (53-68 MB/s); aggregate 1.21-1.38 s against 1.57-1.61 s (BENCHMARKS.md).
      MERIDIAN_JAVA_OPTS="$MERIDIAN_JAVA_OPTS -XX:PretenureSizeThreshold=512k"
      # An AOT cache per command as for serve, with the method profiles of a run of it, made in two steps
      # because the one-step making reports on standard output and standard error, which are the data and
      # the messages of process, search and aggregate: the first run records what it loads and how its
      # methods run (its own VM messages silenced), the next one makes the cache from that record, silently
      # (~1 s, once), and uses it, as every later run does. The JIT then compiles the hot loops from the
      # start with their profiles: aggregate --no-places on 1 M events 0.94-0.95 s against 1.07-1.42 s
      # with a class-data archive (BENCHMARKS.md). VM messages go to standard error, never into the data.
      MERIDIAN_JAVA_OPTS="$MERIDIAN_JAVA_OPTS -XX:+DisplayVMOutputToStderr"
      aot="$cache/meridian-$cmd.aot"
      record="$cache/meridian-$cmd.aotconf"
      if [ ! -w "$cache" ]; then
        : # no place for the cache: start without one
      elif [ "${cmd%%_*}" != process ] && [ "$cmd" != search ] && [ "${cmd%%_*}" != aggregate ]; then
        : # help, the version, a usage error: nothing worth a cache
      elif [ -f "$aot" ] && [ "$aot" -nt "$jar" ]; then
        MERIDIAN_JAVA_OPTS="$MERIDIAN_JAVA_OPTS -XX:AOTCache=$aot"
        # The methods the recorded run compiled are queued for compiling as soon as their classes are
        # initialized, rather than after thousands of calls in slower code: the rows start on compiled
        # loops sooner. process, 1 M rows near the cities at -Xmx256m, five alternated pairs: 0.83-0.87 s
        # of work (60-63 MB/s) against 0.86-1.06 s (49-60 MB/s); the same on 5 M rows (steady state) and
        # on 10 rows (BENCHMARKS.md). (An experimental flag of JDK 25: ignored by a JDK without it.)
        MERIDIAN_JAVA_OPTS="$MERIDIAN_JAVA_OPTS -XX:+IgnoreUnrecognizedVMOptions -XX:+UnlockExperimentalVMOptions"
        MERIDIAN_JAVA_OPTS="$MERIDIAN_JAVA_OPTS -XX:+AOTCompileEagerly"
      elif [ -f "$aot.failed" ] && [ "$aot.failed" -nt "$jar" ]; then
        : # making it failed with this jar: without one, rather than record and fail again every other run
      elif [ -f "$record" ] && [ "$record" -nt "$jar" ]; then
        # made with these options alone, not with what the environment adds for this one run: a cache made
        # under JDK_JAVA_OPTIONS=-XX:-TieredCompilation left later plain runs of aggregate 1 M at 1.31-1.50 s
        # against 0.77-0.98 s with one made without it
        if env -u JDK_JAVA_OPTIONS -u JAVA_TOOL_OPTIONS "$JAVA_HOME/bin/java" $MERIDIAN_JAVA_OPTS -XX:AOTMode=create \
          -XX:AOTConfiguration="$record" -XX:AOTCache="$aot.$$" -jar "$jar" >/dev/null 2>&1 \
          && mv -f "$aot.$$" "$aot"; then
          MERIDIAN_JAVA_OPTS="$MERIDIAN_JAVA_OPTS -XX:AOTCache=$aot"
        else
          : >"$aot.failed"
        fi
        rm -f "$record" "$aot.$$"
      else
        rm -f "$aot" "$record" "$aot.failed"
        recording=yes
        MERIDIAN_JAVA_OPTS="$MERIDIAN_JAVA_OPTS -XX:AOTMode=record -XX:AOTConfiguration=$record"
        # (process and aggregate then go on over made-up rows after the user's, output discarded, so that the cache
        # holds their hot loops' compiles whatever the first file was: meridian.cli.TrainingRows)
        MERIDIAN_JAVA_OPTS="$MERIDIAN_JAVA_OPTS -Dmeridian.aot.recording=true"
        MERIDIAN_JAVA_OPTS="$MERIDIAN_JAVA_OPTS -XX:+UnlockDiagnosticVMOptions -XX:-DisplayVMOutput"
      fi
    fi
    # A short run on the quick compiler alone (C1, no profiling; the optimising compiler C2 never starts): C2
    # spends ~0.5 s of CPU compiling the hot loops (the process's other core, on two), which a run of under
    # ~1.5 M rows does not earn back. Alternated, three pairs each (BENCHMARKS.md), C1 alone against both:
    # aggregate --no-places 100k events 0.38-0.42 s against 0.50-0.57, 1 M 0.62-0.65 s against 0.74-0.77,
    # 1.5 M (95 MB) 0.75-0.86 against 0.83-1.00, 2 M (127 MB) 1.27-1.29 against 1.20-1.23; process near the
    # cities 300k 0.53-0.63 s against 0.73-0.82, 1 M 60-75 MB/s against 53-65, 1.5 M (79 MB) even, 10 M
    # 60-68 MB/s against 85-88; search by name 0.33-0.39 s against 0.40-0.44. Not for the recording run (the cache
    # keeps its C2 compiles for the long runs), nor for process -k N (its k-nearest loops ran 2.9 s under
    # C1 against 2.1 s on 1 M rows), nor when the input's length is unknown (a pipe): those keep both.
    case "$cmd" in
      process | process_country | aggregate | aggregate_no_places | search)
        if [ -z "$recording" ] && meridian_short_input "${@:2}"; then
          MERIDIAN_JAVA_OPTS="$MERIDIAN_JAVA_OPTS -XX:TieredStopAtLevel=1"
        fi
        ;;
    esac
    MERIDIAN_JAVA_OPTS="$MERIDIAN_JAVA_OPTS -Xlog:aot=off -Xlog:cds=off -Xlog:cds+dynamic=off"
    export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
  fi
}
