#!/usr/bin/env bash
# Start time and idle footprint (docs/benchmarks.md, "Start time", "Branch start17"): starts the server
# as README.md's run command (scripts/run.sh) does — the extracted layout with the class cache its JDK
# supports (scripts/lib/class-cache.sh: on JDK 25+ the AOT cache, else the class-data sharing archive;
# trained first, when missing, by a start that stops once the context is refreshed: its time is printed),
# with README.md's JAVA_TOOL_OPTIONS line
# read from README.md itself — on its embedded PostgreSQL in a temporary folder; creates data once
# (a clinic tenant with USERS users); then stops and starts it RUNS times on that data and prints,
# for each start: the wall time from launching the JVM to `/actuator/health` answering UP (polled
# every 50 ms), the JVM's CPU time (user + system, /proc/PID/stat) until then, the embedded
# PostgreSQL's CPU time until then (its processes, the sum over /proc), and the JVM's RSS right after
# the start and IDLE seconds later. Then the medians, with the load average. Every wait is bounded;
# the temporary folder is removed.
#
#   scripts/start-time.sh                      # 5 restarts, 60 s idle after the last
#   RUNS=9 IDLE=0 scripts/start-time.sh        # more starts, no idle sample
#   IDLE_EACH=1 scripts/start-time.sh          # the idle sample after every start
#   SKIP_BUILD=1 scripts/start-time.sh         # reuse server/target's jar
#   SKIP_BUILD=1 CDS=0 scripts/start-time.sh   # without a class cache
#   SKIP_BUILD=1 GATEHOUSE_CLASS_CACHE=cds scripts/start-time.sh   # the class-data sharing archive on any JDK
#   SKIP_BUILD=1 JAR=/tmp/other.jar scripts/start-time.sh   # another build: unpacked as README does, in a folder of its own
#   EXTRA_OPTS='-XX:TieredStopAtLevel=1' SKIP_BUILD=1 scripts/start-time.sh   # flags after README's
#   README_FLAGS=0 scripts/start-time.sh       # without README's JAVA_TOOL_OPTIONS
#   THREAD_CPU=1 scripts/start-time.sh        # also the JVM's CPU until healthy by thread kind
#   KEEP_LOG=/tmp/start.log scripts/start-time.sh   # keep the server's log (timestamps of each start)
#   DATA_DIR=/tmp/gatehouse-scale-1 SKIP_BUILD=1 scripts/start-time.sh   # restarts on a kept folder (a scale-harness
#                                              # KEEP_DIR: no data created, the folder left as it was, the platform
#                                              # operator's password read from its harness.env)
#
# Each start also prints its parts, from the server's log: the JVM launched → Spring starting → the embedded
# PostgreSQL listening (its own thread) → Tomcat initialized (configuration read, bean definitions) → Flyway done
# → Tomcat started (every singleton created) → health UP.
#
# Needs a JDK >= 21, curl and jq.
set -euo pipefail

NAME=start-time
RUNS="${RUNS:-5}"
USERS="${USERS:-50}"
IDLE="${IDLE:-60}"
IDLE_EACH="${IDLE_EACH:-}"
EXTRA_OPTS="${EXTRA_OPTS:-}"
README_FLAGS="${README_FLAGS:-1}"
DATA_DIR="${DATA_DIR:-}"
# shellcheck source=lib/server.sh
source "$(dirname "$0")/lib/server.sh"
require_tools curl jq "$JAVA"
build_jar
# the server's data: the temporary folder (removed at exit), or DATA_DIR, kept as it is (only started and stopped);
# the server's log and the class cache's training log stay in the temporary folder either way
SERVER_DATA="$DATA"
if [[ -n "$DATA_DIR" ]]; then
  [[ -f "$DATA_DIR/postgres/PG_VERSION" ]] || fail "DATA_DIR=$DATA_DIR holds no embedded PostgreSQL (postgres/)"
  SERVER_DATA="$(cd "$DATA_DIR" && pwd)"
  if [[ -r "$SERVER_DATA/harness.env" ]]; then
    OPERATOR_PASSWORD="$(sed -n 's/^OPERATOR_PASSWORD=//p' "$SERVER_DATA/harness.env")"
  fi
fi

OPTIONS=""
if [[ "$README_FLAGS" == 1 ]]; then
  OPTIONS="$(grep -o "JAVA_TOOL_OPTIONS='[^']*'" "$ROOT/README.md" | head -n 1 | cut -d"'" -f2)"
  [[ -n "$OPTIONS" ]] || fail "README.md has no JAVA_TOOL_OPTIONS='…' line"
fi
OPTIONS="$OPTIONS${EXTRA_OPTS:+ $EXTRA_OPTS}"
TICKS="$(getconf CLK_TCK)"

cpu_ms() { # pid: user + system CPU of that process, in ms
  awk -v t="$TICKS" '{ sub(/^.*\) /, ""); printf "%d", ($12 + $13) * 1000 / t }' "/proc/$1/stat" 2>/dev/null || echo 0
}
postgres_cpu_ms() { # the embedded PostgreSQL: its postmaster and every child (exited backends are not counted)
  local main total=0 pid
  main="$(head -n 1 "$SERVER_DATA/postgres/postmaster.pid" 2>/dev/null)" || { echo 0; return; }
  for pid in "$main" $(pgrep -P "$main" || true); do
    total=$((total + $(cpu_ms "$pid")))
  done
  echo "$total"
}
threads_cpu() { # pid: the JVM's CPU until now by thread kind (main, JIT compilers, GC, ...), in ms
  local task
  for task in /proc/"$1"/task/*; do
    printf '%s\t%s\n' "$(sed -E 's/[#0-9 -]+$//' "$task/comm" 2>/dev/null)" "$(cpu_ms "${task#/proc/}" 2>/dev/null)"
  done | awk -F'\t' '{ c[$1] += $2 } END { for (k in c) if (c[k] >= 50) printf "%s %d ms; ", k, c[k] }' | tr -s ' '
}
rss_mb() { awk '/^VmRSS/ {printf "%d", $2 / 1024}' "/proc/$1/status" 2>/dev/null || echo 0; }
now_ms() { date +%s%3N; }
parts() { # pid launched-ms healthy-ms: the start's parts from the lines its JVM logged, in s after the launch
  local line pattern label at out=""
  for pattern in "Starting GatehouseApplication|Spring starting" "Embedded PostgreSQL listening|PostgreSQL listening" \
    "Tomcat initialized|Tomcat initialized" "Schema .* is up to date|Successfully applied|Flyway done" \
    "Tomcat started|Tomcat started"; do
    label="${pattern##*|}"
    line="$(grep -E " $1 --- .*(${pattern%|*})" "$DATA/server.log" | head -n 1)" || true
    [[ -n "$line" ]] || continue
    at="$(date -d "${line%% *}" +%s%3N 2>/dev/null)" || continue
    out+="$label $(awk -v a="$at" -v b="$2" 'BEGIN { printf "%.1f", (a - b) / 1000 }') s, "
  done
  echo "${out}healthy $(awk -v a="$3" -v b="$2" 'BEGIN { printf "%.1f", (a - b) / 1000 }') s"
}

launch() { # starts the jar as README.md does, waits for UP; sets WALL_MS, CPU_MS, PG_CPU_MS, RSS_MB
  local started args=(--server.port="$PORT" --server.address=127.0.0.1 --gatehouse.data-dir="$SERVER_DATA"
    --gatehouse.admin.username=operator --gatehouse.admin.password="$OPERATOR_PASSWORD" --spring.main.banner-mode=off)
  JAVA_TOOL_OPTIONS="$OPTIONS" cache_opts "" "${args[@]}" # trains the cache first if there is none for this jar
  started="$(now_ms)"
  JAVA_TOOL_OPTIONS="$OPTIONS" "$JAVA" "${CDS_OPTS[@]}" -jar "$JAR" "${args[@]}" >>"$DATA/server.log" 2>&1 &
  SERVER_PID=$!
  local deadline=$((started + 600000))
  until curl -fsS --max-time 2 "$BASE/actuator/health" 2>/dev/null | grep -q UP; do
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 50 "$DATA/server.log" >&2; fail "the server stopped; its log is above"; }
    [[ "$(now_ms)" -lt "$deadline" ]] || { tail -n 50 "$DATA/server.log" >&2; fail "the server did not start in 600 s"; }
    sleep 0.05
  done
  WALL_MS=$(($(now_ms) - started))
  PARTS_FROM="$started"
  CPU_MS="$(cpu_ms "$SERVER_PID")"
  PG_CPU_MS="$(postgres_cpu_ms)"
  RSS_MB="$(rss_mb "$SERVER_PID")"
  THREADS="$(threads_cpu "$SERVER_PID")"
  ARCHIVE="$(archive_state "$SERVER_PID")"
  PARTS="$(parts "$SERVER_PID" "$PARTS_FROM" $((PARTS_FROM + WALL_MS)))"
}

stop_all() { # the server, then its PostgreSQL if the JVM had to be killed before it could stop it
  local pid
  stop_server
  pid="$(head -n 1 "$SERVER_DATA/postgres/postmaster.pid" 2>/dev/null)" || return 0
  [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == postgres ]] || return 0
  kill -INT "$pid"
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.5; done
}
trap 'stop_all; rm -rf "$DATA"' EXIT

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%d\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "== $JAR, JAVA_TOOL_OPTIONS='$OPTIONS', class cache: ${GATEHOUSE_CLASS_CACHE:-by the JDK}${CDS:+ (CDS=$CDS)}"
echo "   (port $PORT, data in $DATA; nproc $(nproc), $(free -m | awk '/Mem:/ {print $2}') MB RAM, load $(cut -d' ' -f1-3 /proc/loadavg))"
if [[ -z "$DATA_DIR" ]]; then
  echo "== first start (creates the database), then a clinic with $USERS users"
  launch
  [[ -n "${TRAINED_MS:-}" ]] && echo "   training start (stops once the context is refreshed; the cache assembled): ${TRAINED_MS} ms wall"
  echo "   first start: ${WALL_MS} ms wall, JVM CPU ${CPU_MS} ms, RSS ${RSS_MB} MB (${CDS_OPTS[*]}: $ARCHIVE)"
  create_clinic start "Start Time"
  for i in $(seq 1 "$USERS"); do
    reply="$(api POST "/api/v1/tenants/$SLUG/users" "$TOKEN" "$(jq -nc --arg u "staff-$i" \
      '{username:$u,firstName:"Start",lastName:"Staff",roles:[{role:"front_desk"}]}')")"
    [[ "$(status "$reply")" == 201 ]] || fail "user creation failed: $reply"
  done
  stop_all
else
  echo "== the kept folder $SERVER_DATA ($(du -sh "$SERVER_DATA/postgres" | cut -f1)); no data created"
fi

echo "== $RUNS restarts on that data"
printf '   %-4s %9s %12s %12s %10s %12s %6s\n' run "wall ms" "JVM CPU ms" "PG CPU ms" "RSS MB" "idle RSS MB" load
walls=() cpus=() pgs=() rsss=() idles=()
for run in $(seq 1 "$RUNS"); do
  load="$(cut -d' ' -f1 /proc/loadavg)"
  launch
  idle_rss="-"
  if [[ "$IDLE" -gt 0 && ( -n "$IDLE_EACH" || "$run" == "$RUNS" ) ]]; then
    sleep "$IDLE"
    idle_rss="$(rss_mb "$SERVER_PID")"
    idles+=("$idle_rss")
  fi
  printf '   %-4s %9s %12s %12s %10s %12s %6s\n' "$run" "$WALL_MS" "$CPU_MS" "$PG_CPU_MS" "$RSS_MB" "$idle_rss" "$load"
  [[ -n "${THREAD_CPU:-}" ]] && echo "        by thread: $THREADS"
  echo "        parts: $PARTS"
  [[ "$ARCHIVE" == "NOT mapped"* ]] && echo "        class cache NOT mapped (${CDS_OPTS[*]}): this start loaded every class"
  walls+=("$WALL_MS") cpus+=("$CPU_MS") pgs+=("$PG_CPU_MS") rsss+=("$RSS_MB")
  # a signed-in request works after the start (the data is there)
  if [[ -z "$DATA_DIR" ]]; then
    [[ "$(status "$(api GET "/api/v1/tenants/$SLUG/users" "$(login "$SLUG" admin "$ADMIN_PASSWORD")")")" == 200 ]] \
      || fail "the restarted server did not serve the tenant's users"
  else
    [[ "$(status "$(api GET /api/v1/tenants "$(login platform operator "$OPERATOR_PASSWORD")")")" == 200 ]] \
      || fail "the restarted server did not serve the platform operator's tenant list"
  fi
  stop_all
done
echo "== medians of $RUNS: wall $(printf '%s\n' "${walls[@]}" | median) ms, JVM CPU $(printf '%s\n' "${cpus[@]}" | median) ms," \
  "PostgreSQL CPU $(printf '%s\n' "${pgs[@]}" | median) ms, RSS after start $(printf '%s\n' "${rsss[@]}" | median) MB" \
  "${idles:+, RSS after $IDLE s idle $(printf '%s\n' "${idles[@]}" | median) MB}"
[[ -n "${KEEP_LOG:-}" ]] && cp "$DATA/server.log" "$KEEP_LOG"
echo "   load at the end $(cut -d' ' -f1-3 /proc/loadavg)"
