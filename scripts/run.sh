#!/usr/bin/env bash
# README.md's run command after the build: extracts server/target/gatehouse.jar into
# server/target/gatehouse/ when the build is newer, then runs it with the class cache its JDK supports
# (scripts/lib/class-cache.sh): on JDK 25 or newer an AOT cache, on JDK 21 to 24 the dynamic class-data
# sharing archive. After a build (or with another JDK or JAVA_TOOL_OPTIONS) it first trains that cache in
# a start of its own on the same arguments, which stops once the application context is refreshed; the
# server then starts from the cache (without one if the training failed). Every argument goes to the
# server (e.g. --server.port=8081); JVM flags go in JAVA_TOOL_OPTIONS.
#
#   ./mvnw -q -DskipTests package && JAVA_TOOL_OPTIONS='…' scripts/run.sh
#
# Uses $JAVA_HOME/bin/java when JAVA_HOME is set, else java on the PATH. GATEHOUSE_JAR names another
# executable jar, GATEHOUSE_LAYOUT the folder it is extracted into (default: beside it, without .jar);
# GATEHOUSE_CLASS_CACHE=off runs without a cache,
# =cds with the class-data sharing archive whatever the JDK; GATEHOUSE_TRAIN_SECONDS bounds the training (600).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
JAR="${GATEHOUSE_JAR:-$ROOT/server/target/gatehouse.jar}"
LAYOUT="${GATEHOUSE_LAYOUT:-${JAR%.jar}}"
# shellcheck source=lib/class-cache.sh
source "$ROOT/scripts/lib/class-cache.sh"

command -v "$JAVA" >/dev/null || { echo "run.sh: no $JAVA; set JAVA_HOME to a JDK 21 or newer" >&2; exit 2; }
if [[ "$(java_feature)" -lt 21 ]]; then
  echo "run.sh: $JAVA is older than JDK 21; set JAVA_HOME to a JDK 21 or newer" >&2
  exit 2
fi
extract_layout "$JAR" "$LAYOUT"
class_cache_flags "$LAYOUT" "" "$@"
exec "$JAVA" "${CACHE_FLAGS[@]}" -jar "$LAYOUT/gatehouse.jar" "$@"
