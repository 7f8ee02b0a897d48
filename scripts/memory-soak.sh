#!/usr/bin/env bash
# The memory soak (docs/benchmarks.md, "Memory"): starts the server exactly as README.md's run
# command (scripts/run.sh) does — the extracted layout with the class cache of this JDK (the AOT cache on
# JDK 25+, else the class-data sharing archive: scripts/lib/class-cache.sh), `java … -jar
# server/target/gatehouse/gatehouse.jar` with the JAVA_TOOL_OPTIONS line README.md gives, read from
# README.md itself, and no other JVM flag — on its embedded PostgreSQL in a
# temporary folder; creates a clinic with STAFF staff; drives RATE mixed requests per second for
# DURATION seconds (MixedLoad.java: sign-ins, checks, user reads and creations, audit events); then
# leaves it idle for IDLE seconds. The JVM's resident memory (VmRSS, and VmHWM, its peak) and the
# embedded PostgreSQL's (the sum of its processes' RSS) are sampled from /proc every 10 s. Stops by
# itself; the temporary folder is removed.
#
#   scripts/memory-soak.sh                       # 10 minutes at 40 requests/s
#   DURATION=120 IDLE=30 scripts/memory-soak.sh
#   SKIP_BUILD=1 scripts/memory-soak.sh          # reuse server/target's jar
#
# Needs a JDK >= 21, curl and jq. Exits 1 when the JVM's RSS at the end of the load is above LIMIT_MB.
set -euo pipefail

NAME=memory-soak
RATE="${RATE:-40}"
DURATION="${DURATION:-600}"
IDLE="${IDLE:-60}"
STAFF="${STAFF:-20}"
LIMIT_MB="${LIMIT_MB:-600}"
# shellcheck source=lib/server.sh
source "$(dirname "$0")/lib/server.sh"
require_tools curl jq "$JAVA"
build_jar

README_OPTIONS="$(grep -o "JAVA_TOOL_OPTIONS='[^']*'" "$ROOT/README.md" | head -n 1 | cut -d"'" -f2)"
[[ -n "$README_OPTIONS" ]] || fail "README.md has no JAVA_TOOL_OPTIONS='…' line"
ARGS=(--server.port="$PORT" --gatehouse.data-dir="$DATA" --gatehouse.admin.username=operator
  --gatehouse.admin.password="$OPERATOR_PASSWORD" --spring.main.banner-mode=off --logging.level.root=WARN)
JAVA_TOOL_OPTIONS="$README_OPTIONS" cache_opts "" "${ARGS[@]}" # as run.sh: trains the cache first if there is none
[[ -n "${TRAINED_MS:-}" ]] && echo "== trained the class cache in a start of its own: $TRAINED_MS ms"

echo "== starting $JAR as README.md does: JAVA_TOOL_OPTIONS='$README_OPTIONS' java ${CDS_OPTS[*]} -jar …"
echo "   (port $PORT, data in $DATA; nproc $(nproc), $(free -m | awk '/Mem:/ {print $2}') MB RAM, load $(cut -d' ' -f1-3 /proc/loadavg))"
JAVA_TOOL_OPTIONS="$README_OPTIONS" "$JAVA" "${CDS_OPTS[@]}" -jar "$JAR" "${ARGS[@]}" >>"$DATA/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 "${START_SECONDS:-600}"); do
  curl -fsS "$BASE/actuator/health" 2>/dev/null | grep -q UP && break
  kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 50 "$DATA/server.log" >&2; fail "the server stopped; its log is above"; }
  sleep 1
done

rss_mb() { awk '/^VmRSS/ {printf "%d", $2 / 1024}' "/proc/$1/status" 2>/dev/null || echo 0; }
hwm_mb() { awk '/^VmHWM/ {printf "%d", $2 / 1024}' "/proc/$1/status" 2>/dev/null || echo 0; }
postgres_mb() { # the embedded PostgreSQL: its postmaster and every child
  local main total=0 pid
  main="$(head -n 1 "$DATA/postgres/postmaster.pid" 2>/dev/null)" || { echo 0; return; }
  for pid in "$main" $(pgrep -P "$main" || true); do
    total=$((total + $(awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)))
  done
  echo $((total / 1024))
}
sample() { # label
  echo "   rss $(printf '%-14s' "$1") jvm $(rss_mb "$SERVER_PID") MB (peak $(hwm_mb "$SERVER_PID") MB), postgres $(postgres_mb) MB, load $(cut -d' ' -f1 /proc/loadavg)"
}

sample "idle, started"
create_clinic soak "Memory Soak"
STAFF_PASSWORD="soak staff passphrase 2026"
for i in $(seq 0 $((STAFF - 1))); do
  reply="$(api POST "/api/v1/tenants/$SLUG/users" "$TOKEN" "$(jq -nc --arg u "staff-$i" --arg p "$STAFF_PASSWORD" \
    '{username:$u,firstName:"Soak",lastName:"Staff",password:$p,roles:[{role:"front_desk"}]}')")"
  [[ "$(status "$reply")" == 201 ]] || fail "staff creation failed: $reply"
done
sample "idle, tenant"

echo "== load: $RATE requests/s for $DURATION s"
"$JAVA" "$ROOT/server/src/test/java/dev/gatehouse/server/database/MixedLoad.java" --base "$BASE" --tenant "$SLUG" \
  --token "$TOKEN" --password "$STAFF_PASSWORD" --staff "$STAFF" --rate "$RATE" --seconds "$DURATION" &
LOAD_PID=$!
started="$(date +%s)"
while kill -0 "$LOAD_PID" 2>/dev/null; do
  sleep 10
  kill -0 "$LOAD_PID" 2>/dev/null && sample "load $(($(date +%s) - started)) s"
done
wait "$LOAD_PID" || fail "the load program failed"
end_rss="$(rss_mb "$SERVER_PID")"
sample "load done"

echo "== idle for $IDLE s"
for _ in $(seq 1 $((IDLE / 10))); do
  sleep 10
  sample "idle"
done
grep -q OutOfMemoryError "$DATA/server.log" && echo "   the server ran out of memory (see its log)" || echo "   no OutOfMemoryError in the server log"
echo "   JVM RSS at the end of the load: $end_rss MB (limit $LIMIT_MB MB); after $IDLE s idle: $(rss_mb "$SERVER_PID") MB"
stop_server
[[ "$end_rss" -le "$LIMIT_MB" ]] || fail "RSS $end_rss MB is above $LIMIT_MB MB"
