#!/usr/bin/env bash
# The check's cold and warm tails on a folder the scale harness kept (issue 17; docs/benchmarks.md, "Branch
# cold17"): starts the jar on that data, warms the JIT on 1,000 users, then one wrk phase over users never
# asked about since the start (each at most once: cold profiles), then the warm set again, CONCURRENCY
# connections and 1. Nothing else (no sign-in, who-can or lists), so that runs of two jars can be interleaved.
#
#   KEEP_DIR=/tmp/gatehouse-scale-0.1 SKIP_BUILD=1 JAR=… scripts/cold-check.sh
#   SERVER_HEAP=256m SERVER_JAVA_OPTS="…README's flags… -XX:StartFlightRecording=…" …   # as the server is run
#   knobs: COLD_USERS (40000), COLD_SECONDS (10: fewer requests than cold users at this machine's rate, so no
#   user is asked about twice), WRK_SECONDS (15), WARMUP_SECONDS (10), CONCURRENCY (4), LABEL (the summary's name)
#   STATEMENTS=1: also the SQL statements (pg_stat_statements, track = top) and the transactions committed per
#   request of each phase — with autocommit every round trip is one transaction, so that count is the round
#   trips (background work, such as the outbox's polling, counts too) — and the cold phase's statements by calls.
#   The first such run loads pg_stat_statements into the folder's PostgreSQL (one restart); it stays loaded there.
# Every phase prints the server JVM's CPU and its PostgreSQL's (the postmaster, its reaped and live children) in
# ms per request (/proc ticks: what a loaded machine's other processes do not count into).
#
# Bounded: every wrk phase has a duration and a timeout; the server is stopped on exit; the folder is kept.
set -euo pipefail

NAME=cold-check
KEEP_DIR="${KEEP_DIR:?the folder a KEEP=1 run of scripts/scale-harness.sh left}"
COLD_USERS="${COLD_USERS:-40000}"
COLD_SECONDS="${COLD_SECONDS:-10}"
WRK_SECONDS="${WRK_SECONDS:-15}"
WARMUP_SECONDS="${WARMUP_SECONDS:-10}"
CONCURRENCY="${CONCURRENCY:-4}"
LABEL="${LABEL:-run}"

# shellcheck source=lib/server.sh
source "$(dirname "$0")/lib/server.sh"
STATEMENTS="${STATEMENTS:-0}"
require_tools curl jq wrk "$JAVA"
[[ "$STATEMENTS" == 1 ]] && require_tools psql
rmdir "$DATA"
DATA="$KEEP_DIR"
cleanup() { stop_server; }
trap cleanup EXIT
# shellcheck disable=SC1090,SC1091
source "$DATA/harness.env"
[[ -s "$DATA/active-ids.txt" && -s "$DATA/leaves.txt" ]] || fail "$DATA has no active-ids.txt or leaves.txt: run the harness's measure phase once"

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
build_jar
shuf --random-source=<(yes) "$DATA/active-ids.txt" >"$DATA/cold-check-shuffled.txt"
head -n 1000 "$DATA/cold-check-shuffled.txt" >"$DATA/cold-check-warm-users.txt"
awk -v to="$((1000 + COLD_USERS))" 'NR > 1000 && NR <= to' "$DATA/cold-check-shuffled.txt" >"$DATA/cold-check-cold-users.txt"
lines() { # users-file: the harness's check request lines (permissions and leaf locations in turn)
  awk -v path="/api/v1/tenants/$SLUG/check" 'NR == FNR { leaf[c++] = $1; next } {
    split("patients.read appointments.create billing.read users.delete", p, " ")
    printf "POST\t%s\t{\"user\":\"%s\",\"permission\":\"%s\",\"resource\":{\"type\":\"patient\",\"id\":\"p-%d\",\"location\":\"%s\"}}\n",
      path, $1, p[FNR % 4 + 1], FNR, leaf[(FNR * 31) % c] }' "$DATA/leaves.txt" "$1"
}
lines "$DATA/cold-check-warm-users.txt" >"$DATA/cold-check-warm.req"
lines "$DATA/cold-check-cold-users.txt" >"$DATA/cold-check-cold.req"

TICKS="$(getconf CLK_TCK)"
postmaster() { sed -n 1p "$DATA/postgres/postmaster.pid"; }
sql() { timeout 60 psql -X -q -t -A -h 127.0.0.1 -p "$(sed -n 4p "$DATA/postgres/postmaster.pid")" -U postgres -d postgres -c "$1"; }
jvm_ticks() { awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat"; }
pg_ticks() { # the postmaster (with its reaped children) and its live children
  local total pid pm
  pm="$(postmaster)"
  total="$(awk '{ print $14 + $15 + $16 + $17 }' "/proc/$pm/stat")"
  for pid in $(pgrep -P "$pm"); do
    total=$((total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}
commits() { sql "select xact_commit + xact_rollback from pg_stat_database where datname = 'postgres'"; }

phase() { # label connections seconds requests-file
  local result jvm0 pg0 tx0 tx1 statements="-" transactions="-"
  if [[ "$STATEMENTS" == 1 ]]; then
    sql "select pg_stat_statements_reset()" >/dev/null
    tx0="$(commits)"
  fi
  echo "$LABEL | $1 starts $(date -u +%T.%N)"
  jvm0="$(jvm_ticks)"; pg0="$(pg_ticks)"
  result="$(timeout $(($3 + 60)) wrk -t1 -c"$2" -d"$3s" --timeout 20s -s "$ROOT/scripts/scale-get.lua" "$BASE" \
    -- "$API_KEY" "$4" | grep '^RESULT')"
  jvm0=$(($(jvm_ticks) - jvm0)); pg0=$(($(pg_ticks) - pg0))
  if [[ "$STATEMENTS" == 1 ]]; then
    sleep 2 # a backend reports its transactions to pg_stat_database at most once a second while busy
    tx1="$(commits)"
    statements="$(sql "select sum(calls) from pg_stat_statements where query not ilike '%pg_stat_%'")"
    transactions=$((tx1 - tx0 - 2)) # the two reads of the counter are transactions too
    if [[ "$1" == cold* ]]; then
      sql "select lpad(calls::text, 8) || '  ' || left(regexp_replace(query, '\s+', ' ', 'g'), 150)
        from pg_stat_statements where query not ilike '%pg_stat_%' order by calls desc, query limit 12" \
        | sed "s/^/$LABEL | $1 statement: /"
    fi
  fi
  awk -v label="$LABEL" -v phase="$1" -v result="$result" -v ld="$(loadavg)" -v j="$jvm0" -v p="$pg0" -v t="$TICKS" \
    -v s="$statements" -v x="$transactions" 'BEGIN {
    n = split(result, f, " "); for (i = 2; i <= n; i++) { split(f[i], kv, "="); v[kv[1]] = kv[2] }
    r = v["requests"] > 0 ? v["requests"] : 1
    printf "%s | %-18s | %7d | %6.0f/s | p50 %6.2f | p99 %7.2f | max %7.2f ms | failures %d | CPU ms/request JVM %.3f" \
      " PG %.3f", label, phase, v["requests"], v["requests"] / v["seconds"], v["p50_ms"], v["p99_ms"], v["max_ms"],
      v["failures"], j * 1000 / t / r, p * 1000 / t / r
    if (s != "-") printf " | statements/request %.2f, transactions/request %.2f", s / r, x / r
    printf " | load %s\n", ld }'
}

start_server --gatehouse.sessions.cache-ttl=PT1S
if [[ "$STATEMENTS" == 1 && "$(sql "show shared_preload_libraries")" != *pg_stat_statements* ]]; then
  echo "$LABEL | loading pg_stat_statements into $DATA's PostgreSQL (a restart; it stays loaded there)"
  sql "alter system set shared_preload_libraries = 'pg_stat_statements'" >/dev/null
  sql "alter system set pg_stat_statements.track = 'top'" >/dev/null
  stop_server
  start_server --gatehouse.sessions.cache-ttl=PT1S
fi
[[ "$STATEMENTS" == 1 ]] && sql "create extension if not exists pg_stat_statements" >/dev/null
echo "$LABEL | started (pid $SERVER_PID, -Xmx$SERVER_HEAP, class cache $(archive_state "$SERVER_PID"), load $(loadavg))"
timeout $((WARMUP_SECONDS + 60)) wrk -t1 -c"$CONCURRENCY" -d"${WARMUP_SECONDS}s" -s "$ROOT/scripts/scale-get.lua" "$BASE" \
  -- "$API_KEY" "$DATA/cold-check-warm.req" >/dev/null
phase "cold c$CONCURRENCY" "$CONCURRENCY" "$COLD_SECONDS" "$DATA/cold-check-cold.req"
phase "warm c$CONCURRENCY" "$CONCURRENCY" "$WRK_SECONDS" "$DATA/cold-check-warm.req"
phase "warm c1" 1 "$WRK_SECONDS" "$DATA/cold-check-warm.req"
