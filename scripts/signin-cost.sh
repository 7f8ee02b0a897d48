#!/usr/bin/env bash
# The cost of a password sign-in and of an admin's user creation (issue 17; docs/benchmarks.md, "Sign-in and
# user creation cost"). Starts the server jar on a free port of 127.0.0.1 with its embedded PostgreSQL in a
# temporary folder (restarted once with pg_stat_statements loaded), creates a clinic, warms up, then runs three
# phases of COUNT operations each with CONCURRENCY clients in a closed loop (SignInCostLoad.java):
#   create           POST …/users without a password (username, names, e-mail, one role)
#   create-password  the same with a password (Argon2id at the production cost)
#   sign-in          POST /api/v1/auth/login of the users just created, round robin
# and prints per operation: the server JVM's CPU (utime+stime of /proc/PID/stat), PostgreSQL's CPU (the
# postmaster's own and reaped children's, plus its live children's), the SQL statements the server sent
# (pg_stat_statements with track = top: one per round trip, BEGIN and COMMIT included; what triggers, foreign
# keys and functions run inside them is not counted) and the transactions committed, and the rate; before
# that, the statements of each operation by calls. Everything is bounded in time; the server is stopped
# and the folder removed on exit.
#
#   scripts/signin-cost.sh                        # COUNT=150, CONCURRENCY=4, WARMUP=60
#   SKIP_BUILD=1 JAR=/path/to/gatehouse.jar scripts/signin-cost.sh
#   JFR=/tmp/x.jfr scripts/signin-cost.sh         # also records a JFR profile (settings=profile) of the measured phases
#   STATEMENTS=0 scripts/signin-cost.sh           # without pg_stat_statements (no restart, no statement counts)
# Last, a bare Argon2id verification (scripts/lib/HashCost.java) COUNT times on CONCURRENCY threads with the jar's own
# libraries: the hash alone, measured in the same minutes as the sign-ins it is compared with.
#
# Needs a JDK ≥ 21 (JAVA_HOME, or Temurin 25 where this project's machines have it), curl, jq and psql.
set -euo pipefail

NAME=signin-cost
COUNT="${COUNT:-150}"
WARMUP="${WARMUP:-60}"
CONCURRENCY="${CONCURRENCY:-4}"
STATEMENTS="${STATEMENTS:-1}"
PASSWORD="signin cost load passphrase $(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"

# shellcheck source=lib/server.sh
source "$(dirname "$0")/lib/server.sh"
require_tools curl jq psql unzip "$JAVA"
build_jar
LOADER="$ROOT/server/src/test/java/dev/gatehouse/server/authentication/SignInCostLoad.java"
TICKS="$(getconf CLK_TCK)"

echo "== starting $JAR on $BASE (data in $DATA)"
start_server
PGDATA_DIR="$DATA/postgres"
pg_port() { sed -n 4p "$PGDATA_DIR/postmaster.pid"; }
sql() { timeout 60 psql -X -q -t -A -h 127.0.0.1 -p "$(pg_port)" -U postgres -d postgres -c "$1"; }
if [[ "$STATEMENTS" == 1 ]]; then
  echo "== restarting with pg_stat_statements loaded"
  sql "alter system set shared_preload_libraries = 'pg_stat_statements'" >/dev/null
  sql "alter system set pg_stat_statements.track = 'top'" >/dev/null
  stop_server
  start_server
  sql "create extension if not exists pg_stat_statements" >/dev/null
fi
POSTMASTER="$(sed -n 1p "$PGDATA_DIR/postmaster.pid")"

jvm_ticks() { awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat"; }
pg_ticks() { # the postmaster (with its reaped children) and its live children
  local total pid
  total="$(awk '{ print $14 + $15 + $16 + $17 }' "/proc/$POSTMASTER/stat")"
  for pid in $(pgrep -P "$POSTMASTER"); do
    total=$((total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}
# The server's CPU by thread, grouped by name without its number ("GC Thread#1" -> "GC Thread", the request
# threads' "http-nio-127.0." as the kernel truncates their names), user and kernel time apart: "group ticks"
# lines, the kernel's as "group [kernel]". A thread that ends between two readings takes its ticks with it
# (the pools here keep theirs).
thread_ticks() {
  local task
  for task in /proc/"$SERVER_PID"/task/*; do
    # the name may hold spaces: the fields after its closing parenthesis start with the state (field 3)
    printf '%s\t%s\n' "$(sed -E 's/[#-]?[0-9]+$//' "$task/comm" 2>/dev/null)" \
      "$(sed 's/.*) //' "$task/stat" 2>/dev/null | awk '{ print $12 "\t" $13 }')"
  done | awk -F'\t' '$2 != "" { u[$1] += $2; k[$1 " [kernel]"] += $3 }
    END { for (g in u) print g "\t" u[g]; for (g in k) print g "\t" k[g] }'
}

commits() { sql "select xact_commit + xact_rollback from pg_stat_database where datname = 'postgres'"; }

phase() { # kind prefix count [users]: runs one phase with SignInCostLoad.java
  timeout 1800 "$JAVA" "$LOADER" --base "$BASE" --tenant "$SLUG" --token "$TOKEN" --kind "$1" --prefix "$2" \
    --count "$3" --users "${4:-$3}" --password "$PASSWORD" --concurrency "$CONCURRENCY"
}

RESULTS=()
THREADS=()
measure() { # kind prefix count [users]: a measured phase and its line of results
  local kind="$1" count="$3" jvm0 pg0 tx0 jvm1 pg1 tx1 line statements threads0
  [[ "$STATEMENTS" == 1 ]] && sql "select pg_stat_statements_reset()" >/dev/null
  tx0="$(commits)"
  threads0="$(thread_ticks)"
  jvm0="$(jvm_ticks)"; pg0="$(pg_ticks)"
  line="$(phase "$@")" || fail "the $kind phase failed: $line"
  jvm1="$(jvm_ticks)"; pg1="$(pg_ticks)"
  THREADS+=("$(awk -F'\t' -v k="$kind" -v n="$count" -v t="$TICKS" 'NR == FNR { before[$1] = $2; next }
    { d = ($2 - before[$1]) * 1000 / t / n; if (d >= 0.05) printf "%s\t%s\t%.2f\n", k, $1, d }' \
    <(echo "$threads0") <(thread_ticks) | sort -t$'\t' -k3,3nr)")
  tx1="$(commits)"
  statements="-"
  if [[ "$STATEMENTS" == 1 ]]; then
    statements="$(sql "select round(sum(calls)::numeric / $count, 1) from pg_stat_statements
      where query not ilike '%pg_stat_%'")"
    echo "   statements per $kind (calls / $count, top 25):"
    sql "select lpad(round(calls::numeric / $count, 2)::text, 6) || '  ' || left(regexp_replace(query, '\s+', ' ', 'g'), 150)
      from pg_stat_statements where query not ilike '%pg_stat_%' order by calls desc, query limit 25" | sed 's/^/     /'
  fi
  read -r _ _ _ seconds rate _ <<<"$line"
  RESULTS+=("$(awk -v k="$kind" -v n="$count" -v j=$((jvm1 - jvm0)) -v p=$((pg1 - pg0)) -v t="$TICKS" \
    -v s="$statements" -v x=$((tx1 - tx0 - 2)) -v r="$rate" -v sec="$seconds" \
    'BEGIN { printf "%-16s %6d %10.2f %10.2f %11s %8.1f %8.1f %8.1f\n", k, n, j * 1000 / t / n, p * 1000 / t / n, s, x / n, r, sec }')")
  echo "   $line"
}

echo "== creating a clinic tenant"
create_clinic signin "Sign-in Cost Clinic"

echo "== warm-up: $WARMUP of each ($CONCURRENCY clients)"
phase create warm-plain "$WARMUP" >/dev/null
phase create-password warm-pw "$WARMUP" >/dev/null
phase sign-in warm-pw "$WARMUP" >/dev/null

echo "== measured: $COUNT of each, $CONCURRENCY clients (nproc $(nproc), load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
[[ -n "${JFR:-}" ]] && "${JAVA_HOME:+$JAVA_HOME/bin/}jcmd" "$SERVER_PID" JFR.start name=cost settings=profile >/dev/null
measure create plain "$COUNT"
measure create-password pw "$COUNT"
measure sign-in pw "$COUNT"
echo "   load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
# The bare hash in the same minutes, with the jar's own encoder and Bouncy Castle, the server's heap and its
# concurrency: what the sign-in's JVM CPU is read against (scripts/lib/HashCost.java).
HASH_LIBS="$DATA/hash-cost-libs"
mkdir -p "$HASH_LIBS"
if [[ -d "$(dirname "$JAR")/lib" ]]; then
  cp "$(dirname "$JAR")"/lib/{spring-security-crypto,bcprov-jdk18on,spring-core,commons-logging}-*.jar "$HASH_LIBS"
else
  (cd "$HASH_LIBS" && unzip -qjo "$JAR" 'BOOT-INF/lib/spring-security-crypto-*' 'BOOT-INF/lib/bcprov-jdk18on-*' \
    'BOOT-INF/lib/spring-core-*' 'BOOT-INF/lib/commons-logging-*')
fi
echo "== the bare hash beside it: $COUNT verifications, $CONCURRENCY threads, two rounds"
BARE_HASH="$(timeout 900 "$JAVA" -Xms"$SERVER_HEAP" -Xmx"$SERVER_HEAP" -cp "$HASH_LIBS/*" "$ROOT/scripts/lib/HashCost.java" \
  "$COUNT" "$CONCURRENCY" 2 2>&1)" || fail "the bare hash failed: $BARE_HASH"
echo "$BARE_HASH" | sed 's/^/   /'
echo "   load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
printf "%-16s %6s %10s %10s %11s %8s %8s %8s\n" operation count "JVM ms/op" "PG ms/op" "stmts/op" "tx/op" "ops/s" seconds
printf "%s\n" "${RESULTS[@]}"
echo
echo "JVM CPU by thread group, ms/op (groups of 0.05 ms/op or more; GC: 'GC Thread', 'G1 …'; JIT: 'C1/C2 CompilerThre')"
printf "%s\n" "${THREADS[@]}" | awk -F'\t' '{ printf "  %-16s %-18s %8s\n", $1, $2, $3 }'
if [[ -n "${JFR:-}" ]]; then
  "${JAVA_HOME:+$JAVA_HOME/bin/}jcmd" "$SERVER_PID" JFR.stop name=cost filename="$JFR" >/dev/null
  echo "JFR recording: $JFR (jfr print --events jdk.ExecutionSample $JFR)"
fi
