# Sourced by the launcher and the test script: exports JAVA_HOME pointing at a JDK 25 or newer.
meridian_jdk_major() { # $1 = a JDK home; prints its feature version
  local v="" line
  if [ -r "$1/release" ]; then # read by the shell itself: a process started costs ~5 ms here, every launch
    while IFS= read -r line; do
      case $line in JAVA_VERSION=\"[0-9]*) v=${line#JAVA_VERSION=\"}; v=${v%%[!0-9]*}; break ;; esac
    done < "$1/release"
  fi
  if [ -z "$v" ] && [ -x "$1/bin/java" ]; then
    v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/.*java.specification.version = \([0-9]*\).*/\1/p')
  fi
  echo "${v:-0}"
}

meridian_find_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && [ "$(meridian_jdk_major "$JAVA_HOME")" -ge 25 ]; then
    return 0
  fi
  local d
  for d in /usr/lib/jvm/*25* /usr/lib/jvm/*2[6-9]*; do
    if [ -x "$d/bin/java" ] && [ "$(meridian_jdk_major "$d")" -ge 25 ]; then
      export JAVA_HOME="$d"
      return 0
    fi
  done
  echo "meridian: no JDK 25 found (set JAVA_HOME to a JDK 25+, or install one under /usr/lib/jvm)" >&2
  return 1
}
