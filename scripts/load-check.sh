#!/usr/bin/env bash
# Builds the server, starts it on the embedded PostgreSQL in a temporary folder on a free port of
# 127.0.0.1, creates a clinic tenant (and, where this build has the users and locations APIs, a few
# users at two locations) through the API, loads the check API, and stops the server. Every step is
# bounded in time; the temporary folder is removed.
#
# Two load generators: LOADER=wrk (the default where wrk is installed: `apt-get install wrk`) runs
# wrk with scripts/load-check.lua for WRK_SECONDS of single checks, then as long of batches, after
# WRK_WARMUP_SECONDS of each; wrk spends a fraction of the CPU a JVM client does, which matters when
# client and server share two cores. LOADER=checkload runs CheckLoad.java, a fixed count of checks.
# Both print checks/s, request latency p50/p99/max and the server's CPU µs per check; wrk also the p99.9 and the share
# of requests over 2 ms, and (JVM_COUNTS, below) bytes allocated a check, collections and reconnects.
#
#   scripts/load-check.sh                      # wrk: 15 s single checks, 15 s batches of 100
#   LOADER=checkload scripts/load-check.sh     # CheckLoad: 200,000 checks, half single, half in batches
#   CHECKS=50000 CONCURRENCY=8 LOADER=checkload scripts/load-check.sh
#   SESSION_CACHE_TTL=PT0S scripts/load-check.sh   # measure without the session cache
#   SKIP_BUILD=1 scripts/load-check.sh              # reuse server/target's jar
#   SKIP_BUILD=1 JAR=/tmp/other.jar scripts/load-check.sh   # load another build
#   CREDENTIAL=both scripts/load-check.sh           # the same load with the admin's session, then an API key
#   CREDENTIAL=api-key scripts/load-check.sh        # with an API key only (scopes *, rate limit 1,000,000/s)
#   CONCURRENCY=24 PAUSE_MS=1 scripts/load-check.sh  # paced: each connection pauses 1 ms after every answer (~20 k/s)
#   PHASES=check CONCURRENCY=2 PAUSE_MS=1 scripts/load-check.sh  # server CPU per single check at a low fixed rate
#
# Needs a JDK ≥ 21 (JAVA_HOME, or Temurin 25 where this project's machines have it), curl and jq.
set -euo pipefail

NAME=load-check
CHECKS="${CHECKS:-200000}"
SINGLE_SHARE="${SINGLE_SHARE:-0.5}"
BATCH_SIZE="${BATCH_SIZE:-100}"
CONCURRENCY="${CONCURRENCY:-16}"
# wrk only: each connection pauses PAUSE_MS after every answer, so the rate is about CONCURRENCY / PAUSE_MS
# a millisecond: a paced load whose latencies are not the queue of a saturated machine (PAUSE_MS=0: flat out).
PAUSE_MS="${PAUSE_MS:-0}"
WARMUP="${WARMUP:-40000}"
MAX_SECONDS="${MAX_SECONDS:-180}"
SESSION_CACHE_TTL="${SESSION_CACHE_TTL:-PT1S}"
# session | api-key | both: which bearer credential the load presents (issue 12: a key at the rate of a session)
CREDENTIAL="${CREDENTIAL:-session}"
if command -v wrk >/dev/null; then LOADER="${LOADER:-wrk}"; else LOADER="${LOADER:-checkload}"; fi
WRK_SECONDS="${WRK_SECONDS:-15}"
WRK_WARMUP_SECONDS="${WRK_WARMUP_SECONDS:-5}"
# wrk only: which phases to run ("check batch", or "check" alone to measure the single check's CPU per check)
PHASES="${PHASES:-check batch}"
# wrk only: THREAD_CPU=1 also prints where the server's CPU of the check phase went, by JVM thread (jcmd's thread dumps
# before and after it, names with their numbers collapsed) and user against system time.
THREAD_CPU="${THREAD_CPU:-0}"
# wrk only: JVM_COUNTS=1 (the default) also prints, for each phase, counts that a loaded machine does not blur as it
# blurs time: the bytes the server's threads allocated a check (jcmd Thread.print -e's allocated=, by thread group),
# the collections and their pause time (jcmd PerfCounter.print, per collector), and the connections closed
# during the phase (its port's sockets in TIME_WAIT with more than 60 s - WRK_SECONDS left, read as wrk ends: Tomcat
# closes a keep-alive connection after server.tomcat.max-keep-alive-requests requests, and wrk connects again; needs
# WRK_SECONDS < 59). Each jcmd runs outside the measured seconds. JVM_COUNTS=0: none of it.
JVM_COUNTS="${JVM_COUNTS:-1}"
SERVER_HEAP="${SERVER_HEAP:-1g}"
# e.g. SERVER_JAVA_OPTS="-XX:StartFlightRecording=filename=/tmp/check.jfr,settings=profile" to profile the server
# further --property=value arguments for the server, to compare configurations
SERVER_ARGS="${SERVER_ARGS:-}"

# shellcheck source=lib/server.sh
source "$(dirname "$0")/lib/server.sh"
require_tools curl jq "$JAVA"
build_jar

echo "== starting $JAR on $BASE (data in $DATA, session cache TTL $SESSION_CACHE_TTL)"
# shellcheck disable=SC2086
start_server --gatehouse.sessions.cache-ttl="$SESSION_CACHE_TTL" $SERVER_ARGS

echo "== creating a clinic tenant"
create_clinic load "Load Clinic"

# Locations and users through their APIs where this build has them; otherwise the load asks about the admin only.
LOCATIONS=()
for name in Downtown Uptown; do
  reply="$(api POST "/api/v1/tenants/$SLUG/locations" "$TOKEN" "$(jq -nc --arg n "$name" '{name:$n}')")"
  if [[ "$(status "$reply")" == 201 ]]; then
    LOCATIONS+=("$(body "$reply" | jq -r .id)")
  fi
done
USERS=("$ADMIN_ID")
ROLES=(manager front_desk billing provider manager front_desk billing provider)
for i in "${!ROLES[@]}"; do
  if [[ ${#LOCATIONS[@]} -gt 0 ]]; then
    roles="$(jq -nc --arg r "${ROLES[$i]}" --arg l "${LOCATIONS[$((i % ${#LOCATIONS[@]}))]}" '[{role:$r,location:$l}]')"
  else
    roles="$(jq -nc --arg r "${ROLES[$i]}" '[{role:$r}]')"
  fi
  reply="$(api POST "/api/v1/tenants/$SLUG/users" "$TOKEN" "$(jq -nc --arg u "user$i" --argjson roles "$roles" \
    '{username:$u,firstName:"Load",lastName:"User",password:"a long load-test user password",roles:$roles}')")"
  if [[ "$(status "$reply")" == 201 ]]; then
    USERS+=("$(body "$reply" | jq -r .id)")
  else
    echo "   (no users API in this build: answered $(status "$reply"); the load asks about the admin only)"
    break
  fi
done
echo "   tenant $SLUG: ${#USERS[@]} user(s), ${#LOCATIONS[@]} location(s)"

# The embedded PostgreSQL leaves the JVM's process tree (pg_ctl daemonises it): name its postmaster too, so that
# the CPU the database spends counts as the server's.
SERVER_PIDS="$SERVER_PID"
if [[ -r "$DATA/postgres/postmaster.pid" ]]; then
  SERVER_PIDS="$SERVER_PID,$(head -n 1 "$DATA/postgres/postmaster.pid")"
fi

CHECKS_FILE="$DATA/checks.jsonl"
: >"$CHECKS_FILE"
for user in "${USERS[@]}"; do
  for permission in patients.read appointments.create billing.read users.delete widgets.unknown; do
    if [[ ${#LOCATIONS[@]} -gt 0 ]]; then
      for location in "${LOCATIONS[@]}"; do
        jq -nc --arg u "$user" --arg p "$permission" --arg l "$location" \
          '{user:$u,permission:$p,resource:{type:"patient",id:"p-42",location:$l}}' >>"$CHECKS_FILE"
      done
    fi
    jq -nc --arg u "$user" --arg p "$permission" '{user:$u,permission:$p}' >>"$CHECKS_FILE"
  done
done

# CPU time (user + system, in clock ticks) the server's processes have used: the JVM and the database's
# postmaster with its backends. Second number: the part of it the JVM's JIT compiler threads spent, which
# is warm-up, not the cost of a check, and which a busy machine stretches into the measured seconds.
server_ticks() {
  local total=0 jit=0 pid
  for pid in ${SERVER_PIDS//,/ } $(pgrep -P "${SERVER_PIDS#*,}" 2>/dev/null || true); do
    [[ -r /proc/$pid/stat ]] || continue
    total=$((total + $(sed 's/^.*) //' "/proc/$pid/stat" | awk '{print $12 + $13}')))
  done
  jit=$(cat /proc/"$SERVER_PID"/task/*/stat 2>/dev/null | awk '/\(C[12] CompilerThre\)/ { sub(/^.*\) /, ""); t += $12 + $13 } END { print t + 0 }')
  echo "$total $jit"
}

wrk_phase() { # label path bodies-file checks-per-request
  local before after client result
  timeout $((WRK_WARMUP_SECONDS + 30)) wrk -t1 -c"$CONCURRENCY" -d"${WRK_WARMUP_SECONDS}s" -s "$ROOT/scripts/load-check.lua" \
    "$BASE" -- "$2" "$TOKEN" "$3" "$PAUSE_MS" >/dev/null
  [[ "$THREAD_CPU" == 1 ]] && thread_cpu >"$DATA/threads-before.txt"
  [[ "$JVM_COUNTS" == 1 ]] && jvm_counts >"$DATA/counts-before.txt"
  before="$(server_ticks)"
  client="$( { TIMEFORMAT='%U %S'; time timeout $((WRK_SECONDS + 30)) wrk -t1 -c"$CONCURRENCY" -d"${WRK_SECONDS}s" --timeout 5s \
    -s "$ROOT/scripts/load-check.lua" "$BASE" -- "$2" "$TOKEN" "$3" "$PAUSE_MS" >"$DATA/wrk-${1//\//-}.out"; } 2>&1 )"
  [[ "$JVM_COUNTS" == 1 ]] && reconnects "$WRK_SECONDS" >"$DATA/reconnects.txt"
  after="$(server_ticks)"
  [[ "$JVM_COUNTS" == 1 ]] && jvm_counts >"$DATA/counts-after.txt"
  [[ "$THREAD_CPU" == 1 ]] && thread_cpu >"$DATA/threads-after.txt"
  result="$(grep "^RESULT" "$DATA/wrk-${1//\//-}.out")"
  [[ -n "$result" ]] || { echo "load-check: wrk printed no result:" >&2; cat "$DATA/wrk-${1//\//-}.out" >&2; exit 1; }
  awk -v phase="$1" -v result="$result" -v before="$before" -v after="$after" -v hz="$(getconf CLK_TCK)" -v per="$4" -v client="$client" 'BEGIN {
    n = split(result, f, " "); for (i = 2; i <= n; i++) { split(f[i], kv, "="); v[kv[1]] = kv[2] }
    split(client, c, " "); split(before, b, " "); split(after, a, " "); checks = v["requests"] * per
    jit = a[2] - b[2]; if (jit < 0) jit = 0; server = a[1] - b[1] - jit
    printf "%-12s %9d %9d %8d %8.2f %10.0f %9.3f %8.3f %8.3f %20.1f %8.1f %20.1f\n", phase, v["requests"], checks,
      v["failures"], v["seconds"], checks / v["seconds"], v["p50_ms"], v["p99_ms"], v["max_ms"],
      server / hz * 1e6 / checks, jit / hz * 1e6 / checks, (c[1] + c[2]) * 1e6 / checks }'
  awk -v phase="$1" -v result="$result" 'BEGIN { n = split(result, f, " "); for (i = 2; i <= n; i++) { split(f[i], kv, "="); v[kv[1]] = kv[2] }
    printf "   %s: p99.9 %.3f ms; %.3f %% of requests took over 2 ms\n", phase, v["p999_ms"], v["over_2ms_pct"] }'
  [[ "$JVM_COUNTS" == 1 ]] && jvm_counts_report "$(grep -o 'requests=[0-9]*' <<<"$result" | cut -d= -f2)" "$4" "$1"
  return 0
}

jvm_counts() { # what the server's JVM counted so far: "alloc <group> <bytes>", "gc <collector> <pauses> <ms>"
  local jcmd="${JAVA_HOME:+$JAVA_HOME/bin/}jcmd"
  # allocated= is in whole B, K, M or G (HotSpot's proper unit): at most 1 MB off per thread below 100 GB
  # never fails the run: a count missing (jcmd timed out on a loaded machine) prints as a difference of nothing
  { timeout 300 "$jcmd" "$SERVER_PID" Thread.print -e 2>/dev/null || true; } | awk '/^"/ && / allocated=/ {
    name = $0; sub(/^"/, "", name); sub(/".*$/, "", name); gsub(/[0-9]+/, "#", name)
    a = $0; sub(/^.* allocated=/, "", a); sub(/ .*$/, "", a); unit = substr(a, length(a))
    scale = unit == "K" ? 1024 : unit == "M" ? 1048576 : unit == "G" ? 1073741824 : 1
    t[name] += (substr(a, 1, length(a) - 1) + 0) * scale }
    END { for (n in t) printf "alloc\t%s\t%.0f\n", n, t[n] }'
  { timeout 300 "$jcmd" "$SERVER_PID" PerfCounter.print 2>/dev/null || true; } | awk '
    { eq = index($0, "="); key = substr($0, 1, eq - 1); value = substr($0, eq + 1); gsub(/"/, "", value) }
    key == "sun.os.hrt.frequency" { hz = value }
    key ~ /^sun[.]gc[.]collector[.][0-9]+[.](name|invocations|time)$/ { split(key, k, "."); c[k[4], k[5]] = value; ids[k[4]] }
    END { for (i in ids) printf "gc\t%s\t%d\t%.3f\n", c[i, "name"], c[i, "invocations"], c[i, "time"] * 1000 / hz }'
}

reconnects() { # seconds: the connections to the server's port closed in the last that many seconds (< 59), read at
  # once: sockets in TIME_WAIT (60 s on Linux, on whichever side closed first) with more than 60 - seconds - 1 left
  ss -Htano state time-wait "( sport = :$PORT or dport = :$PORT )" 2>/dev/null | awk -v since="$1" '{
    t = $0; sub(/^.*timer:\(timewait,/, "", t); sub(/,.*$/, "", t)
    left = t ~ /min/ ? 60 * t : t ~ /ms$/ ? t / 1000 : t + 0
    if (left > 60 - since - 1) n++ } END { print n + 0 }'
}

jvm_counts_report() { # requests checks-per-request label: the counts' differences over the phase, per check
  awk -F'\t' -v requests="$1" -v per="$2" -v label="$3" -v closed="$(cat "$DATA/reconnects.txt" 2>/dev/null)" '
    NR == FNR { before[$1 FS $2] = $3; beforeMs[$1 FS $2] = $4; next }
    { d = $3 - before[$1 FS $2] }
    $1 == "alloc" { all += d; if ($2 ~ /-exec-#$/) workers += d }
    $1 == "gc" && d > 0 { gc = gc sprintf("; %s: %d (%.1f a 100,000 checks), %.1f ms in all", $2, d, d * 1e5 / checks, $4 - beforeMs[$1 FS $2]) }
    BEGIN { checks = requests * per }
    END {
      printf "   %s: %.0f bytes allocated a check (%.0f on the Tomcat workers)%s; connections closed in the phase: %d (%s)\n",
        label, all / checks, workers / checks, (gc == "" ? "; no collection" : gc), closed,
        (closed > 0 ? sprintf("one in %.0f requests", requests / closed) : "none") }' \
    "$DATA/counts-before.txt" "$DATA/counts-after.txt"
}

thread_cpu() { # the JVM's CPU by thread group (ms; "jvm-user"/"jvm-system": the process's, from /proc), one per line
  "${JAVA_HOME:+$JAVA_HOME/bin/}jcmd" "$SERVER_PID" Thread.print 2>/dev/null | awk '/^"/ && / cpu=/ {
    name = $0; sub(/^"/, "", name); sub(/".*$/, "", name); gsub(/[0-9]+/, "#", name)
    cpu = $0; sub(/^.* cpu=/, "", cpu); sub(/ms.*$/, "", cpu); t[name] += cpu }
    END { for (n in t) printf "%s\t%.2f\n", n, t[n] }'
  sed 's/^.*) //' "/proc/$SERVER_PID/stat" | awk -v hz="$(getconf CLK_TCK)" '{ printf "jvm-user\t%.2f\njvm-system\t%.2f\n", $12 * 1000 / hz, $13 * 1000 / hz }'
}

thread_cpu_report() { # checks: the groups that took at least 1 µs a check, most first
  awk -F'\t' -v checks="$1" 'NR == FNR { before[$1] = $2; next } { d = $2 - before[$1]; if (d * 1000 / checks >= 1) printf "     %8.1f µs/check  %s\n", d * 1000 / checks, $1 }' \
    "$DATA/threads-before.txt" "$DATA/threads-after.txt" | sort -k1,1 -rn
}

SESSION_TOKEN="$TOKEN"
CREDENTIALS=()
[[ "$CREDENTIAL" == session || "$CREDENTIAL" == both ]] && CREDENTIALS+=(session)
if [[ "$CREDENTIAL" == api-key || "$CREDENTIAL" == both ]]; then
  # The admin's own key, every permission it holds, a limit the load never reaches: what it measures is the key's
  # resolution (hash, per-node cache, narrowed profile), not its rate limit.
  reply="$(api POST "/api/v1/tenants/$SLUG/api-keys" "$SESSION_TOKEN" \
    '{"name":"load","scopes":["*"],"rateLimit":{"requests":1000000,"perSeconds":1}}')"
  [[ "$(status "$reply")" == 201 ]] || { echo "load-check: could not make an API key: $reply" >&2; exit 1; }
  API_KEY="$(body "$reply" | jq -r .key)"
  CREDENTIALS+=(api-key)
fi
[[ ${#CREDENTIALS[@]} -gt 0 ]] || { echo "load-check: CREDENTIAL must be session, api-key or both" >&2; exit 1; }

for credential in "${CREDENTIALS[@]}"; do
if [[ "$credential" == api-key ]]; then TOKEN="$API_KEY"; else TOKEN="$SESSION_TOKEN"; fi
echo "== credential: $credential"
if [[ "$LOADER" == wrk ]]; then
  BATCH_FILE="$DATA/batches.jsonl"
  jq -sc --argjson size "$BATCH_SIZE" '[range(0; 10) as $i | {checks: [range(0; $size) as $j | .[($i * $size + $j) % length]]}] | .[]' \
    "$CHECKS_FILE" >"$BATCH_FILE"
  echo "== load (wrk): ${WRK_SECONDS} s per phase after ${WRK_WARMUP_SECONDS} s of warm-up, $CONCURRENCY connections, pause $PAUSE_MS ms," \
    "1 wrk thread (nproc: $(nproc), load average: $(cut -d' ' -f1-3 /proc/loadavg))"
  echo "   command: wrk -t1 -c$CONCURRENCY -d${WRK_SECONDS}s --timeout 5s -s $ROOT/scripts/load-check.lua $BASE -- /api/v1/tenants/$SLUG/check … $CHECKS_FILE"
  printf "%-12s %9s %9s %8s %8s %10s %9s %8s %8s %20s %8s %20s\n" phase requests checks failures seconds checks/s \
    "p50 ms" "p99 ms" "max ms" "server CPU µs/check" "JIT µs" "client CPU µs/check"
  if [[ " $PHASES " == *" check "* ]]; then
    wrk_phase check "/api/v1/tenants/$SLUG/check" "$CHECKS_FILE" 1
    [[ "$THREAD_CPU" == 1 ]] && thread_cpu_report "$(grep -o 'requests=[0-9]*' "$DATA/wrk-check.out" | cut -d= -f2)"
  fi
  [[ " $PHASES " == *" batch "* ]] && wrk_phase check/batch "/api/v1/tenants/$SLUG/check/batch" "$BATCH_FILE" "$BATCH_SIZE"
  echo "   (load average after: $(cut -d' ' -f1-3 /proc/loadavg))"
  continue
fi

echo "== load: $CHECKS checks, $CONCURRENCY connections (nproc: $(nproc), load average: $(cut -d' ' -f1-3 /proc/loadavg))"
echo "   command: $JAVA $ROOT/server/src/test/java/dev/gatehouse/server/access/CheckLoad.java --base $BASE --tenant $SLUG --token … --checks-file $CHECKS_FILE --checks $CHECKS --single-share $SINGLE_SHARE --batch-size $BATCH_SIZE --concurrency $CONCURRENCY --warmup $WARMUP --max-seconds $MAX_SECONDS --server-pids $SERVER_PIDS"
timeout $((MAX_SECONDS + 60)) "$JAVA" "$ROOT/server/src/test/java/dev/gatehouse/server/access/CheckLoad.java" \
  --base "$BASE" --tenant "$SLUG" --token "$TOKEN" --checks-file "$CHECKS_FILE" --checks "$CHECKS" \
  --single-share "$SINGLE_SHARE" --batch-size "$BATCH_SIZE" --concurrency "$CONCURRENCY" --warmup "$WARMUP" \
  --max-seconds "$MAX_SECONDS" --server-pids "$SERVER_PIDS"
echo "   (load average after: $(cut -d' ' -f1-3 /proc/loadavg))"
done
