#!/usr/bin/env bash
# A scratch schema of an existing PostgreSQL holding every migration and a generated tenant in the scale
# harness's shape (generate-harness.sql: USERS users, 3 assignments each, LOCATIONS locations in 4 levels), for
# EXPLAIN (docs/benchmarks.md, "Branch pages17"). Bounded: the whole run stops itself after MAX_MINUTES, each
# statement after STATEMENT_MINUTES. Drops and re-creates SCHEMA only; nothing else of the database is touched
# but pg_trgm, which V138 needs and which is created in public when the database lacks it.
#   SCHEMA=pages17 USERS=1000000 LOCATIONS=10000 scripts/scale-reads/scratch-schema.sh
#   psql "options=-csearch_path=pages17,public" …   # then read it
set -euo pipefail
cd "$(dirname "$0")/../.."
SCHEMA=${SCHEMA:-pages17}
USERS=${USERS:-1000000}
LOCATIONS=${LOCATIONS:-10000}
TENANT=${TENANT:-00000000-0000-4000-8000-000001000000}
MAX_MINUTES=${MAX_MINUTES:-90}
STATEMENT_MINUTES=${STATEMENT_MINUTES:-60}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres} PGDATABASE=${PGDATABASE:-test}
[[ $SCHEMA =~ ^[a-z_][a-z0-9_]*$ ]] || { echo "SCHEMA must be a plain lower-case name" >&2; exit 2; }
export PGOPTIONS="-c search_path=$SCHEMA,public -c statement_timeout=${STATEMENT_MINUTES}min"
run() { timeout --foreground "${MAX_MINUTES}m" psql -X -q -v ON_ERROR_STOP=1 "$@"; }
started=$(date +%s)
run -c "drop schema if exists $SCHEMA cascade" -c "create schema $SCHEMA" \
    -c "create extension if not exists pg_trgm schema public"
for migration in $(ls server/src/main/resources/db/migration | sed 's/^V\([0-9]*\)__.*/\1 &/' | sort -n | cut -d' ' -f2); do
  run -f "server/src/main/resources/db/migration/$migration" > /dev/null
done
echo "schema $SCHEMA migrated in $(( $(date +%s) - started )) s"
run -v tenant="$TENANT" -v users="$USERS" -v locations="$LOCATIONS" -f scripts/scale-reads/generate-harness.sql
echo "generated in $(( $(date +%s) - started )) s"
for table in $(psql -X -Atc "select tablename from pg_tables where schemaname = '$SCHEMA'"); do
  run -c "vacuum analyze $SCHEMA.$table"
done
echo "done in $(( $(date +%s) - started )) s; load $(cut -d' ' -f1-3 /proc/loadavg)"
