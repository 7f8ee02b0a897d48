# shellcheck shell=bash
# README.md's run command, shared by scripts/run.sh and scripts/lib/server.sh (docs/benchmarks.md,
# "Branch start17"): the executable jar extracted into a layout of plain jars (Spring Boot's own tool),
# and the flags that keep the classes of one start for the next, chosen by the JDK that runs it.
#
# - JDK 25 or newer: an AOT cache (JEP 483/514/515: classes parsed, verified and linked, plus the
#   method profiles of the start) in LAYOUT/gatehouse.aot. Without a usable cache the start is a
#   training run (-XX:AOTCacheOutput): the JVM writes the cache when it stops (a child JVM assembles
#   it: some seconds more at exit; nothing when killed with kill -9). A cache is used only if it is
#   newer than the extraction and was written by the same JDK with the same JAVA_TOOL_OPTIONS (its
#   key file); the JVM cannot tell us cheaply whether it would accept one, and it writes no new cache
#   while it runs without one, so the script decides.
# - JDK 21 to 24: the dynamic class-data sharing archive LAYOUT/gatehouse.jsa, written at exit and
#   again when the jars change (the JVM decides: -XX:+AutoCreateSharedArchive).
#
# Needs JAVA (the java binary) set by the caller.

# extract_layout executable-jar layout: Spring Boot's extraction, unless done since the jar was built
extract_layout() {
  [[ -f "$1" ]] || { echo "$1 is missing: build it first (./mvnw -q -DskipTests package)" >&2; return 1; }
  [[ "$2/.extracted" -nt "$1" ]] && return 0
  "$JAVA" -Djarmode=tools -jar "$1" extract --force --destination "$2" >/dev/null \
    || { echo "extracting $1 failed" >&2; return 1; }
  touch "$2/.extracted" # the extracted files keep the build's times; a cache older than this is stale
}

# java_feature: the feature release of $JAVA (21, 25, ...), from its release file (no JVM started)
java_feature() {
  local home release version
  home="$(dirname "$(dirname "$(readlink -f "$(command -v "$JAVA")")")")"
  release="$home/release"
  if [[ -f "$release" ]]; then
    version="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release")"
  else
    version="$("$JAVA" -version 2>&1 | sed -n '1s/.*version "\([0-9]*\).*/\1/p')"
  fi
  echo "${version:-0}"
}

# java_key [jvm flags]: what the AOT cache depends on besides the jars: the JDK build, JAVA_TOOL_OPTIONS and
# any other flags of the start
java_key() {
  local home
  home="$(dirname "$(dirname "$(readlink -f "$(command -v "$JAVA")")")")"
  printf '%s\n%s\n%s\n%s\n' "$home" "$(grep -h '^JAVA_RUNTIME_VERSION=\|^IMPLEMENTOR=' "$home/release" 2>/dev/null)" \
    "${JAVA_TOOL_OPTIONS:-}" "${1:-}"
}

# class_cache_flags layout [jvm flags]: sets CACHE_FLAGS (an array) for a start of LAYOUT/gatehouse.jar now with
# JAVA_TOOL_OPTIONS and those flags, and CACHE_STATE (aot-cache, aot-training, cds-archive, off). Call it right
# before that start: a training run's key is written here. GATEHOUSE_CLASS_CACHE=off: no cache; =cds: the
# class-data sharing archive on any JDK (to compare).
class_cache_flags() {
  local layout="$1" flags="${2:-}" feature
  feature="$(java_feature)"
  if [[ "${GATEHOUSE_CLASS_CACHE:-}" == off ]]; then
    CACHE_FLAGS=()
    CACHE_STATE=off
  elif [[ "$feature" -ge 25 && "${GATEHOUSE_CLASS_CACHE:-}" != cds ]]; then
    local cache="$layout/gatehouse.aot"
    if [[ -f "$cache" && "$cache" -nt "$layout/.extracted" && -f "$cache.key" ]] \
        && [[ "$(java_key "$flags")" == "$(cat "$cache.key")" ]]; then
      CACHE_FLAGS=("-XX:AOTCache=$cache")
      CACHE_STATE=aot-cache
    else
      rm -f "$cache"
      java_key "$flags" >"$cache.key"
      # the assembly at exit runs in a child JVM: JDK_AOT_VM_OPTIONS quiets its list of skipped classes
      export JDK_AOT_VM_OPTIONS="${JDK_AOT_VM_OPTIONS:--Xlog:aot*=error}"
      CACHE_FLAGS=("-XX:AOTCacheOutput=$cache")
      CACHE_STATE=aot-training
    fi
    # JDK 25's AOT code cache warns of adapters it cannot link, and generates them as without a cache
    CACHE_FLAGS+=("-Xlog:aot*=error")
  else
    CACHE_FLAGS=("-XX:SharedArchiveFile=$layout/gatehouse.jsa" -XX:+AutoCreateSharedArchive)
    CACHE_STATE=cds-archive
  fi
}
