#!/usr/bin/env bash
# The bulk import benchmark (docs/benchmarks.md, "Bulk import"): starts the server on the embedded
# PostgreSQL in a temporary folder with a small fixed heap, creates a clinic tenant with LOCATIONS
# locations, writes a CSV of USERS users without passwords (1–2 roles each at a location), and
# posts it once to POST …/users/import over loopback. It reports users/s, the CPU the JVM and
# PostgreSQL spent per user (from /proc/PID/stat), the old-generation heap sampled every 2 s by
# jstat (flat while the body streams: the proof that memory does not grow with the file), the
# RSS high-water mark, and that GET …/audit/verify is ok afterwards. Bounded in time; the
# temporary folder is removed.
#
#   SKIP_BUILD=1 scripts/load-import.sh                   # 200,000 users, 256 MB heap
#   USERS=1000000 SKIP_BUILD=1 scripts/load-import.sh
#   STATEMENTS=1 JFR=/tmp/import.jfr USERS=50000 SKIP_BUILD=1 scripts/load-import.sh
#       # also: the import's statements by database time (pg_stat_statements, the server restarted once to
#       # load it) and a JFR profile (settings=profile) of the import
#
# Needs a JDK >= 21 (java, jstat), curl, jq, awk and bc.
set -euo pipefail

NAME=load-import
USERS="${USERS:-200000}"
LOCATIONS="${LOCATIONS:-20}"
SERVER_HEAP="${SERVER_HEAP:-256m}"
IMPORT_SECONDS="${IMPORT_SECONDS:-1200}"
# shellcheck source=lib/server.sh
source "$(dirname "$0")/lib/server.sh"
JSTAT="${JAVA_HOME:+$JAVA_HOME/bin/}jstat"
require_tools curl jq awk bc "$JAVA" "$JSTAT"
build_jar

ticks() { # pid...: utime+stime (and for the first pid its waited-for children) in clock ticks
  local total=0 first=1 pid fields
  for pid in "$@"; do
    [[ -r "/proc/$pid/stat" ]] || continue
    read -ra fields <<<"$(sed 's/^.*) //' "/proc/$pid/stat")"
    total=$((total + fields[11] + fields[12]))
    if ((first)); then total=$((total + fields[13] + fields[14])); first=0; fi
  done
  echo "$total"
}
pg_pids() { echo "$PG_PID" $(pgrep -P "$PG_PID" || true); }

echo "== starting $JAR on $BASE (heap $SERVER_HEAP, data in $DATA; nproc $(nproc), load $(cut -d' ' -f1-3 /proc/loadavg))"
start_server
sql() { timeout 60 psql -X -q -t -A -h 127.0.0.1 -p "$(sed -n 4p "$DATA/postgres/postmaster.pid")" -U postgres \
  -d postgres -c "$1"; }
if [[ "${STATEMENTS:-0}" == 1 ]]; then
  echo "== restarting with pg_stat_statements loaded (track = all: statements run by triggers count apart)"
  sql "alter system set shared_preload_libraries = 'pg_stat_statements'" >/dev/null
  sql "alter system set pg_stat_statements.track = 'all'" >/dev/null
  stop_server
  start_server
  sql "create extension if not exists pg_stat_statements" >/dev/null
fi
create_clinic import "Import Load"
PG_PID="$(sed -n 1p "$DATA/postgres/postmaster.pid")"

LOCATION_IDS=()
for i in $(seq 1 "$LOCATIONS"); do
  reply="$(api POST "/api/v1/tenants/$SLUG/locations" "$TOKEN" "{\"name\":\"Clinic $i\"}")"
  [[ "$(status "$reply")" == 201 ]] || fail "location creation failed: $reply"
  LOCATION_IDS+=("$(body "$reply" | jq -r .id)")
done

CSV="$DATA/users.csv"
echo "== writing $USERS users to $CSV"
awk -v n="$USERS" -v locations="${LOCATION_IDS[*]}" 'BEGIN {
  split(locations, loc, " "); count = length(loc)
  print "username,firstName,lastName,email,phone,kind,roles"
  for (i = 1; i <= n; i++) {
    roles = "front_desk@" loc[1 + i % count]
    if (i % 2 == 0) roles = roles ";provider@" loc[1 + (i * 7) % count]
    printf "user%07d,First%d,Last%d,user%07d@example.com,+1 555 %04d,,%s\n", i, i, i, i, i % 10000, roles
  }
}' >"$CSV"
echo "   $(wc -c <"$CSV") bytes"

"$JSTAT" -gc "$SERVER_PID" 2000 >"$DATA/jstat.log" 2>&1 &
JSTAT_PID=$!
[[ "${STATEMENTS:-0}" == 1 ]] && sql "select pg_stat_statements_reset()" >/dev/null
[[ -n "${JFR:-}" ]] && "${JAVA_HOME:+$JAVA_HOME/bin/}jcmd" "$SERVER_PID" JFR.start name=import settings=profile >/dev/null
jvm0="$(ticks "$SERVER_PID")"; pg0="$(ticks $(pg_pids))"; t0="$(date +%s%N)"
echo "== import (load before: $(cut -d' ' -f1-3 /proc/loadavg))"
echo "   command: curl --max-time $IMPORT_SECONDS -H 'Content-Type: text/csv' --data-binary @$CSV $BASE/api/v1/tenants/$SLUG/users/import"
code="$(curl -sS --max-time "$IMPORT_SECONDS" -o "$DATA/answer.json" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
  -H "Content-Type: text/csv" --data-binary @"$CSV" "$BASE/api/v1/tenants/$SLUG/users/import")"
t1="$(date +%s%N)"; jvm1="$(ticks "$SERVER_PID")"; pg1="$(ticks $(pg_pids))"
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
if [[ -n "${JFR:-}" ]]; then
  "${JAVA_HOME:+$JAVA_HOME/bin/}jcmd" "$SERVER_PID" JFR.stop name=import filename="$JFR" >/dev/null
  echo "   JFR recording: $JFR (jfr print --events jdk.ExecutionSample $JFR)"
fi
if [[ "${STATEMENTS:-0}" == 1 ]]; then
  echo "   statements by total database time (ms; µs per imported user = total ms × 1000 / users):"
  sql "select round(total_exec_time::numeric, 0) || ' ms, ' || calls || ' calls: ' || left(regexp_replace(query, '\s+', ' ', 'g'), 110)
       from pg_stat_statements where query not ilike '%pg_stat_%' order by total_exec_time desc limit 15" | sed 's/^/     /'
  echo "   scans of the tables written (relation: sequential scans, rows they read, index scans):"
  sql "select relname || ': ' || seq_scan || ', ' || seq_tup_read || ', ' || coalesce(idx_scan, 0) from pg_stat_user_tables
       where relname in ('users', 'assignments', 'audit_events', 'roles', 'tenants', 'locations') order by relname" \
    | sed 's/^/     /'
fi
kill "$JSTAT_PID" 2>/dev/null || true
[[ "$code" == 200 ]] || fail "import answered $code: $(head -c 2000 "$DATA/answer.json")"
imported="$(jq -r .imported "$DATA/answer.json")"
hz="$(getconf CLK_TCK)"
seconds="$(echo "scale=2; ($t1 - $t0) / 1000000000" | bc)"
echo "   answer: imported $imported, batches $(jq -r .batches "$DATA/answer.json"), failed $(jq '.failed | length' "$DATA/answer.json")"
echo "   wall $seconds s -> $(echo "$imported / $seconds" | bc) users/s (load after: $load_after)"
echo "   CPU per user: JVM $(echo "scale=1; ($jvm1 - $jvm0) * 1000000 / $hz / $imported" | bc) µs," \
  "PostgreSQL $(echo "scale=1; ($pg1 - $pg0) * 1000000 / $hz / $imported" | bc) µs" \
  "(JVM $(echo "scale=1; ($jvm1 - $jvm0) / $hz" | bc) s, PostgreSQL $(echo "scale=1; ($pg1 - $pg0) / $hz" | bc) s of CPU)"
echo "   old generation used (KB) every 2 s: $(awk 'NR > 1 && $8 ~ /^[0-9.]+$/ { printf "%d ", $8 }' "$DATA/jstat.log")"
echo "   young collections $(awk 'NR > 1 && $13 ~ /^[0-9]+$/ { y = $13; f = $15 } END { print y ", full " f }' "$DATA/jstat.log")"
echo "   JVM RSS high-water mark: $(grep VmHWM "/proc/$SERVER_PID/status" | awk '{ print $2 / 1024 " MB" }')"

reply="$(curl -sS --max-time 900 -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/tenants/$SLUG/audit/verify")"
echo "== audit/verify: $reply"
[[ "$(jq -r .ok <<<"$reply")" == true ]] || fail "the audit chain does not verify"
