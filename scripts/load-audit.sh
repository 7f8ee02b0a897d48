#!/usr/bin/env bash
# The audit benchmark (docs/benchmarks.md, "Audit trail"): builds the server, starts it on the
# embedded PostgreSQL in a temporary folder with a small heap, creates a clinic tenant, fills its
# trail with EVENTS events through SQL (the fast path: rows without hashes, which the restarted
# server chains at start exactly as for an upgraded database), then measures
#   (a) sustained appends through POST …/audit/events (AuditLog's real path, one event per
#       transaction, WRITERS concurrent writers, one tenant),
#   (b) p50/p99 of each search filter of GET …/audit (AuditLoad.java),
#   (c) export of the whole trail as CSV and JSONL (server heap SERVER_HEAP, 256m by default),
#   (d) verify through the API and through the command line.
# Every step is bounded in time; the temporary folder is removed.
#
#   scripts/load-audit.sh                        # 1,000,000 events
#   EVENTS=100000 APPEND_SECONDS=10 scripts/load-audit.sh
#   SKIP_BUILD=1 scripts/load-audit.sh           # reuse server/target's jar
#
# Needs a JDK >= 21, curl, jq and psql.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
EVENTS="${EVENTS:-1000000}"
WRITERS="${WRITERS:-8}"
APPEND_SECONDS="${APPEND_SECONDS:-30}"
QUERIES="${QUERIES:-200}"
SERVER_HEAP="${SERVER_HEAP:-256m}"
SKIP_BUILD="${SKIP_BUILD:-}"
SERVER_JAVA_OPTS="${SERVER_JAVA_OPTS:-}"

if [[ -z "${JAVA_HOME:-}" && -d /usr/lib/jvm/temurin-25-jdk-amd64 ]]; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
for tool in curl jq psql "$JAVA"; do
  command -v "$tool" >/dev/null || { echo "load-audit: $tool is needed" >&2; exit 2; }
done

if [[ -z "$SKIP_BUILD" ]]; then
  echo "== building the server jar"
  (cd "$ROOT" && timeout 900 ./mvnw -q -pl server -am package -DskipTests)
fi
JAR="${JAR:-$ROOT/server/target/gatehouse.jar}"

free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  echo "load-audit: no free port found" >&2
  return 1
}

DATA="$(mktemp -d -t gatehouse-audit-XXXXXX)"
PORT="$(free_port)"
BASE="http://127.0.0.1:$PORT"
OPERATOR_PASSWORD="load-operator-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
SERVER_PID=""

cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID"
    for _ in $(seq 1 60); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.5
    done
    kill -0 "$SERVER_PID" 2>/dev/null && kill -9 "$SERVER_PID"
  fi
  rm -rf "$DATA"
}
trap cleanup EXIT

start_server() {
  # shellcheck disable=SC2086
  "$JAVA" -Xms"$SERVER_HEAP" -Xmx"$SERVER_HEAP" $SERVER_JAVA_OPTS -jar "$JAR" \
    --server.port="$PORT" --server.address=127.0.0.1 --gatehouse.data-dir="$DATA" \
    --gatehouse.admin.username=operator --gatehouse.admin.password="$OPERATOR_PASSWORD" \
    --spring.main.banner-mode=off --logging.level.root=WARN >>"$DATA/server.log" 2>&1 &
  SERVER_PID=$!
  for i in $(seq 1 600); do
    curl -fsS "$BASE/actuator/health" 2>/dev/null | grep -q UP && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "load-audit: the server stopped" >&2; tail -n 50 "$DATA/server.log" >&2; exit 1; }
    sleep 1
  done
  echo "load-audit: the server did not start in 600 s" >&2
  exit 1
}
stop_server() {
  kill "$SERVER_PID"
  for _ in $(seq 1 120); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.5; done
  SERVER_PID=""
}
api() { # method path token [json]
  curl -sS --max-time 60 -X "$1" "$BASE$2" -H "Content-Type: application/json" \
    ${3:+-H "Authorization: Bearer $3"} ${4:+--data "$4"} -w '\n%{http_code}'
}
body() { sed '$d' <<<"$1"; }
status() { tail -n 1 <<<"$1"; }
login() { # tenant username password
  local reply
  reply="$(api POST /api/v1/auth/login "" "$(jq -nc --arg t "$1" --arg u "$2" --arg p "$3" '{tenant:$t,username:$u,password:$p}')")"
  [[ "$(status "$reply")" == 200 ]] || { echo "load-audit: sign-in of $2@$1 failed: $reply" >&2; exit 1; }
  body "$reply" | jq -r .token
}
seconds_since() { echo "scale=2; ($(date +%s%N) - $1) / 1000000000" | bc; }

echo "== starting $JAR on $BASE (heap $SERVER_HEAP, data in $DATA; nproc $(nproc), load $(cut -d' ' -f1-3 /proc/loadavg))"
start_server
OPERATOR="$(login platform operator "$OPERATOR_PASSWORD")"
SLUG="audit-$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
reply="$(api POST /api/v1/tenants "$OPERATOR" "$(jq -nc --arg s "$SLUG" \
  '{slug:$s,name:"Audit Load",pack:"clinic",admin:{username:"admin",firstName:"Load",lastName:"Admin",password:"load admin first password"}}')")"
[[ "$(status "$reply")" == 201 ]] || { echo "load-audit: tenant creation failed: $reply" >&2; exit 1; }
TENANT_ID="$(body "$reply" | jq -r .id)"
FIRST="$(login "$SLUG" admin "load admin first password")"
api POST /api/v1/me/password "$FIRST" '{"currentPassword":"load admin first password","newPassword":"load admin own passphrase"}' >/dev/null
TOKEN="$(login "$SLUG" admin "load admin own passphrase")"
PG_PORT="$(sed -n 4p "$DATA/postgres/postmaster.pid")"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres)

echo "== fill: $EVENTS events through SQL (rows without hashes; chained by the restarted server)"
t0="$(date +%s%N)"
"${PSQL[@]}" <<SQL
begin;
select last_seq as base from audit_sequences where tenant_id = '$TENANT_ID' \gset
insert into audit_events (tenant_id, seq, at, action, actor_id, actor_username, actor_roles, target_type, target_id,
                          target_name, ip, user_agent, details)
select '$TENANT_ID', :base + s, now() - interval '5 days' + s * (interval '4 days' / $EVENTS),
       (array['PATIENT_RECORD_VIEWED','LOGIN_SUCCEEDED','USER_UPDATED','ROLE_ASSIGNED'])[1 + s % 4],
       null, 'user' || (s % 500), array[(array['provider','front_desk','billing','manager'])[1 + s % 4]],
       (array['patient','user'])[1 + s % 2], (array['p-','t-'])[1 + s % 2] || (s % 1000), null,
       '10.0.' || (s % 256) || '.' || (s % 250), 'load-audit', jsonb_build_object('n', s)
from generate_series(1, $EVENTS) s;
-- As in a database upgraded past V60: no chain head yet, so the restarted server hashes the rows.
update audit_sequences set last_seq = :base + $EVENTS, last_hash = null where tenant_id = '$TENANT_ID';
commit;
analyze audit_events;
SQL
echo "   filled in $(seconds_since "$t0") s"
t0="$(date +%s%N)"
stop_server
start_server
echo "   restart with the chain backfill of $EVENTS events: $(seconds_since "$t0") s"
TOKEN="$(login "$SLUG" admin "load admin own passphrase")"

echo "== (a) appends and (b) queries"
echo "   command: $JAVA $ROOT/server/src/test/java/dev/gatehouse/server/audittrail/AuditLoad.java --base $BASE --tenant $SLUG --token … --user admin --writers $WRITERS --append-seconds $APPEND_SECONDS --queries $QUERIES --deep-before $((EVENTS / 2))"
timeout $((APPEND_SECONDS + 900)) "$JAVA" "$ROOT/server/src/test/java/dev/gatehouse/server/audittrail/AuditLoad.java" \
  --base "$BASE" --tenant "$SLUG" --token "$TOKEN" --user admin --writers "$WRITERS" \
  --append-seconds "$APPEND_SECONDS" --queries "$QUERIES" --deep-before "$((EVENTS / 2))"

echo "== (c) export (server heap $SERVER_HEAP)"
for format in csv jsonl; do
  t0="$(date +%s%N)"
  code="$(curl -sS --max-time 1800 -o "$DATA/export.$format" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
    "$BASE/api/v1/tenants/$SLUG/audit/export?format=$format")"
  echo "   $format: status $code, $(wc -l <"$DATA/export.$format") lines, $(du -m "$DATA/export.$format" | cut -f1) MB in $(seconds_since "$t0") s"
  if [[ "$code" != 200 ]]; then
    head -c 400 "$DATA/export.$format"; echo
    grep -A 12 -m 1 "ERROR" "$DATA/server.log" || true
  fi
  rm -f "$DATA/export.$format"
done
grep -q OutOfMemoryError "$DATA/server.log" && echo "   the server ran out of memory (see its log)" || echo "   no OutOfMemoryError in the server log"

echo "== (d) verify"
t0="$(date +%s%N)"
echo "   API: $(api GET "/api/v1/tenants/$SLUG/audit/verify" "$TOKEN" | head -n 1) in $(seconds_since "$t0") s"
stop_server
t0="$(date +%s%N)"
set +e
timeout 900 "$JAVA" -Xmx"$SERVER_HEAP" -jar "$JAR" --server.port=0 --gatehouse.data-dir="$DATA" \
  --spring.main.banner-mode=off --logging.level.root=WARN --gatehouse.audit.verify="$SLUG" | tail -n 1
echo "   command line (JVM start included): exit $? in $(seconds_since "$t0") s"
set -e
echo "   (load average after: $(cut -d' ' -f1-3 /proc/loadavg))"
