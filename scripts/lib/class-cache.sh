# shellcheck shell=bash
# README.md's run command, shared by scripts/run.sh and scripts/lib/server.sh (docs/benchmarks.md,
# "Branch start17"): the executable jar extracted into a layout of plain jars (Spring Boot's own tool),
# and the flags that keep the classes of one start for the next, chosen by the JDK that runs it.
#
# - JDK 25 or newer: an AOT cache (JEP 483/514/515: classes parsed, verified and linked, plus the
#   method profiles of the start) in LAYOUT/gatehouse.aot.
# - JDK 21 to 24: the dynamic class-data sharing archive LAYOUT/gatehouse.jsa (rewritten at exit by the
#   JVM if it no longer fits the jars: -XX:+AutoCreateSharedArchive).
# Either is trained, when missing or stale, by a start of its own that stops once the Spring context is
# refreshed (-Dspring.context.exit=onRefresh, Spring Boot's documented way; docs/benchmarks.md, "Branch
# train17"), so no start that serves requests is a training run. A cache is used only if it is newer than
# the extraction and was written by the same JDK with the same JAVA_TOOL_OPTIONS and flags (its key file).
#
# Needs JAVA (the java binary) set by the caller.

# extract_layout executable-jar layout: Spring Boot's extraction, unless done since the jar was built
extract_layout() {
  [[ -f "$1" ]] || { echo "$1 is missing: build it first (./mvnw -q -DskipTests package)" >&2; return 1; }
  [[ "$2/.extracted" -nt "$1" ]] && return 0
  "$JAVA" -Djarmode=tools -jar "$1" extract --force --destination "$2" --application-filename gatehouse.jar >/dev/null \
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
  printf '%s\n%s\n%s\n%s\n%s\n' "$home" "$(grep -h '^JAVA_RUNTIME_VERSION=\|^IMPLEMENTOR=' "$home/release" 2>/dev/null)" \
    "${JAVA_TOOL_OPTIONS:-}" "${1:-}" "${CACHE_JAR_ID:-}"
}

# class_cache_flags layout [jvm flags] [server arguments...]: sets CACHE_FLAGS (an array) for a start of
# LAYOUT/gatehouse.jar now with JAVA_TOOL_OPTIONS and those flags, and CACHE_STATE (aot-cache, cds-archive, off,
# or aot-none / cds-none when training failed). When the cache is missing or stale it first TRAINS it in a start
# of its own (train_class_cache): the server with those flags and arguments (its data folder or database) that
# stops once the application context is refreshed, so the start that follows, and serves, runs from the cache.
# GATEHOUSE_CLASS_CACHE=off: no cache; =cds: the class-data sharing archive on any JDK (to compare).
class_cache_flags() {
  local layout="$1" flags="${2:-}" feature cache kind
  shift 2 || shift $#
  # the jar's size and time belong to the key: a cache trained for one jar is never used by another put in its place
  CACHE_JAR_ID="$(stat -c '%s %Y' "$layout/gatehouse.jar" 2>/dev/null || true)"
  TRAINED_MS=""
  feature="$(java_feature)"
  if [[ "${GATEHOUSE_CLASS_CACHE:-}" == off ]]; then
    CACHE_FLAGS=()
    CACHE_STATE=off
    return 0
  fi
  if [[ "$feature" -ge 25 && "${GATEHOUSE_CLASS_CACHE:-}" != cds ]]; then
    kind=aot
    cache="$layout/gatehouse.aot"
  else
    kind=cds
    cache="$layout/gatehouse.jsa"
  fi
  if ! cache_is_current "$cache" "$layout" "$flags" && ! train_class_cache "$kind" "$cache" "$layout" "$flags" "$@"; then
    CACHE_FLAGS=()
    CACHE_STATE="$kind-none"
    return 0
  fi
  if [[ "$kind" == aot ]]; then
    # JDK 25's AOT code cache warns of adapters it cannot link, and generates them as without a cache
    CACHE_FLAGS=("-XX:AOTCache=$cache" "-Xlog:aot*=error")
    CACHE_STATE=aot-cache
  else
    # the JVM itself writes the archive again at exit if it no longer fits the jars
    CACHE_FLAGS=("-XX:SharedArchiveFile=$cache" -XX:+AutoCreateSharedArchive)
    CACHE_STATE=cds-archive
  fi
}

# cache_is_current cache layout [jvm flags]: the cache was trained since the layout was extracted, by the same JDK
# with the same JAVA_TOOL_OPTIONS and flags (its key file). The JVM cannot tell us cheaply whether it would accept
# a cache, and on JDK 25 it writes no new one while it runs without one: the script decides.
cache_is_current() {
  [[ -f "$1" && "$1" -nt "$2/.extracted" && -f "$1.key" ]] && [[ "$(java_key "$3")" == "$(cat "$1.key")" ]]
}

# training_output command...: runs it with its output appended to CACHE_TRAIN_LOG when set, else on this
# script's own stdout and stderr (the very files the server writes to after it, not reopened: nothing overwritten)
training_output() {
  if [[ -n "${CACHE_TRAIN_LOG:-}" ]]; then
    "$@" >>"$CACHE_TRAIN_LOG" 2>&1
  else
    "$@"
  fi
}

# train_class_cache aot|cds cache layout [jvm flags] [server arguments...]: the training start (Spring's
# -Dspring.context.exit=onRefresh: every singleton created, migrations run, no port bound, no request served;
# the JVM halts and writes the cache). It writes to a temporary name, moved into place only when the JVM ended
# well and the file is there; bounded by GATEHOUSE_TRAIN_SECONDS (600); its output goes to CACHE_TRAIN_LOG
# when set. Fails (status 1, no cache left) when the training did.
train_class_cache() {
  local kind="$1" cache="$2" layout="$3" flags="${4:-}" temporary status began
  shift 4 || shift $#
  began="$(date +%s%3N)"
  temporary="$cache.$$.tmp"
  rm -f "$cache" "$cache.key" "$temporary"
  local output=()
  if [[ "$kind" == aot ]]; then
    # the assembly at exit runs in a child JVM: JDK_AOT_VM_OPTIONS quiets its list of skipped classes
    export JDK_AOT_VM_OPTIONS="${JDK_AOT_VM_OPTIONS:--Xlog:aot*=error}"
    output=("-XX:AOTCacheOutput=$temporary" "-Xlog:aot*=error")
  else
    output=("-XX:ArchiveClassesAtExit=$temporary" "-Xlog:cds=error") # not its list of the classes it skips
  fi
  echo "class cache: training $cache in a start that stops once the context is refreshed (once per build)" >&2
  status=0
  # shellcheck disable=SC2086 # flags: one string of JVM flags, as the callers give them
  training_output timeout --kill-after=30 "${GATEHOUSE_TRAIN_SECONDS:-600}" "$JAVA" $flags "${output[@]}" \
    -Dspring.context.exit=onRefresh -jar "$layout/gatehouse.jar" "$@" || status=$?
  if [[ "$status" -ne 0 || ! -s "$temporary" ]]; then
    rm -f "$temporary" "$temporary.config"
    echo "class cache: the training start failed (status $status); starting without a cache" >&2
    return 1
  fi
  java_key "$flags" >"$cache.key.$$.tmp"
  mv -f "$temporary" "$cache"
  mv -f "$cache.key.$$.tmp" "$cache.key"
  TRAINED_MS=$(($(date +%s%3N) - began)) # for the measuring scripts
}
