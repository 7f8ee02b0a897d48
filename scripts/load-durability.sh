#!/usr/bin/env bash
# The cost of a durable embedded database (docs/benchmarks.md, "Durable embedded database"): starts
# the server jar on its embedded PostgreSQL in a temporary folder, creates a clinic tenant, then
# measures committed writes per second through the API for a bounded time (WriteRate.java):
# batched audit appends and user creations, WRITERS concurrent writers. Compare two jars (one from
# before fsync and synchronous_commit were turned on) with JAR=… SKIP_BUILD=1. The temporary folder
# is removed.
#
#   scripts/load-durability.sh
#   SECONDS_EACH=10 WRITERS=8 scripts/load-durability.sh
#   JAR=/tmp/old-gatehouse.jar SKIP_BUILD=1 scripts/load-durability.sh
#
# Needs a JDK >= 21, curl and jq.
set -euo pipefail

NAME=load-durability
WRITERS="${WRITERS:-4}"
BATCH="${BATCH:-100}"
SECONDS_EACH="${SECONDS_EACH:-20}"
SERVER_HEAP="${SERVER_HEAP:-512m}"
# shellcheck source=lib/server.sh
source "$(dirname "$0")/lib/server.sh"
require_tools curl jq "$JAVA"
build_jar

echo "== starting $JAR on $BASE (heap $SERVER_HEAP, data in $DATA; nproc $(nproc), load $(cut -d' ' -f1-3 /proc/loadavg))"
start_server
create_clinic durable "Durable Load"
PG_PORT="$(sed -n 4p "$DATA/postgres/postmaster.pid")"
if command -v psql >/dev/null; then
  echo "   PostgreSQL: $(psql -X -At -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres \
    -c "select string_agg(name || '=' || setting, ' ' order by name) from pg_settings where name in ('fsync', 'synchronous_commit', 'full_page_writes')")"
fi
echo "== writes ($WRITERS writers, $SECONDS_EACH s each)"
timeout $((2 * SECONDS_EACH + 120)) "$JAVA" "$ROOT/server/src/test/java/dev/gatehouse/server/database/WriteRate.java" \
  --base "$BASE" --tenant "$SLUG" --token "$TOKEN" --user admin --writers "$WRITERS" --seconds "$SECONDS_EACH" \
  --batch "$BATCH"
echo "   (load average after: $(cut -d' ' -f1-3 /proc/loadavg))"
