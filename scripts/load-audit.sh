#!/usr/bin/env bash
# The audit benchmark (docs/benchmarks.md, "Audit trail"): builds the server, starts it on the
# embedded PostgreSQL in a temporary folder with a small heap, creates a clinic tenant, fills its
# trail with EVENTS events through SQL (the fast path: rows without hashes, which the restarted
# server chains at start exactly as for an upgraded database), then measures
#   (a) sustained appends through AuditLog's real path, WRITERS concurrent writers, one tenant:
#       one event per request and transaction (POST …/audit/events), then BATCH events per request
#       and transaction (POST …/audit/events/batch),
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

NAME=load-audit
EVENTS="${EVENTS:-1000000}"
WRITERS="${WRITERS:-8}"
BATCH="${BATCH:-100}"
APPEND_SECONDS="${APPEND_SECONDS:-30}"
QUERIES="${QUERIES:-200}"
SERVER_HEAP="${SERVER_HEAP:-256m}"
# shellcheck source=lib/server.sh
source "$(dirname "$0")/lib/server.sh"
require_tools curl jq psql bc "$JAVA"
build_jar

seconds_since() { echo "scale=2; ($(date +%s%N) - $1) / 1000000000" | bc; }

echo "== starting $JAR on $BASE (heap $SERVER_HEAP, data in $DATA; nproc $(nproc), load $(cut -d' ' -f1-3 /proc/loadavg))"
start_server
create_clinic audit "Audit Load"
PG_PORT="$(sed -n 4p "$DATA/postgres/postmaster.pid")"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres)

echo "== fill: $EVENTS events through SQL (rows without hashes; chained by the restarted server)"
t0="$(date +%s%N)"
"${PSQL[@]}" <<SQL
begin;
-- The filled events are the tenant's first days, before the few events of its creation, which
-- move after them, so the trail stays in time order (V95) as the server keeps it.
set local gatehouse.audit_purge = 'on';
select last_seq as base from audit_sequences where tenant_id = '$TENANT_ID' \gset
update audit_events set seq = seq + $EVENTS, prev_hash = null, hash = null where tenant_id = '$TENANT_ID';
insert into audit_events (tenant_id, seq, at, action, actor_id, actor_username, actor_roles, target_type, target_id,
                          target_name, ip, user_agent, details)
select '$TENANT_ID', s, now() - interval '5 days' + s * (interval '4 days' / $EVENTS),
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
TOKEN="$(login "$SLUG" admin "$ADMIN_PASSWORD")"

echo "== (a) appends and (b) queries"
echo "   command: $JAVA $ROOT/server/src/test/java/dev/gatehouse/server/audittrail/AuditLoad.java --base $BASE --tenant $SLUG --token … --user admin --writers $WRITERS --append-seconds $APPEND_SECONDS --batch $BATCH --queries $QUERIES --deep-before $((EVENTS / 2))"
timeout $((APPEND_SECONDS + 900)) "$JAVA" "$ROOT/server/src/test/java/dev/gatehouse/server/audittrail/AuditLoad.java" \
  --base "$BASE" --tenant "$SLUG" --token "$TOKEN" --user admin --writers "$WRITERS" \
  --append-seconds "$APPEND_SECONDS" --batch "$BATCH" --queries "$QUERIES" --deep-before "$((EVENTS / 2))"

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
echo "   command line (JVM start included): exit ${PIPESTATUS[0]} in $(seconds_since "$t0") s"
set -e
echo "   (load average after: $(cut -d' ' -f1-3 /proc/loadavg))"
