#!/usr/bin/env bash
# What V138's trigram indexes cost a user insert (issue 17; docs/benchmarks.md, "User creation: fewer
# statements and indexes"). On a scratch PostgreSQL on this machine (the backend's CPU is read from
# /proc, so the server must be local), in tables of its own which it drops at the end, inserts ROWS
# users one statement each (as POST …/users does) into four copies of the users table's search-relevant
# columns with its unique indexes:
#   none       no trigram index
#   three      V138's three GIN indexes (username, lower(first || ' ' || last), e-mail)
#   one        a single GIN index over the three joined by a newline
#   one-nofast the same with fastupdate = off (every insert goes into the index tree at once)
# ROUNDS times, alternating, and prints for each the backend's CPU per row (utime+stime), the WAL per
# row, and at the end the CPU of merging what is left in the GIN pending lists (gin_clean_pending_list).
#
#   PGHOST=127.0.0.1 PGPORT=55991 PGUSER=postgres scripts/trigram-insert-cost.sh     # ROWS=10000 ROUNDS=3
set -euo pipefail

ROWS="${ROWS:-10000}"
ROUNDS="${ROUNDS:-3}"
TICKS="$(getconf CLK_TCK)"
psql_() { timeout 600 psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }

psql_ <<'EOF'
create extension if not exists pg_trgm;
drop table if exists tic_none, tic_three, tic_one, tic_one_nofast;
create table tic_none (tenant_id uuid not null, id uuid not null, username_normalized text not null,
    first_name text not null, last_name text not null, email_normalized text, status text,
    primary key (tenant_id, id), unique (tenant_id, username_normalized));
create unique index on tic_none (tenant_id, email_normalized) where email_normalized is not null;
create table tic_three (like tic_none including all);
create table tic_one (like tic_none including all);
create table tic_one_nofast (like tic_none including all);
create index on tic_three using gin (username_normalized gin_trgm_ops);
create index on tic_three using gin ((lower(first_name || ' ' || last_name)) gin_trgm_ops);
create index on tic_three using gin (email_normalized gin_trgm_ops) where email_normalized is not null;
create index on tic_one using gin ((username_normalized || E'\n' || lower(first_name || ' ' || last_name)
    || E'\n' || coalesce(email_normalized, '')) gin_trgm_ops);
create index on tic_one_nofast using gin ((username_normalized || E'\n' || lower(first_name || ' ' || last_name)
    || E'\n' || coalesce(email_normalized, '')) gin_trgm_ops) with (fastupdate = off);
create or replace procedure tic_fill(t text, n int, first bigint) language plpgsql as $$
begin
  for i in first + 1 .. first + n loop
    execute format('insert into %I values ($1, gen_random_uuid(), $2, $3, $4, $5, ''INVITED'')', t)
      using '00000000-0000-4000-8000-000000000001'::uuid, 'plain-' || i || '-' || left(md5(i::text), 6),
            'First' || i, 'Last' || (i::bigint * 7919 % 20000), 'plain-' || i || '@example.test';
  end loop;
end $$;
EOF

cpu_of() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# One psql session: its backend's pid and CPU before and after, and the WAL written, for one statement.
measured() { # statement -> "cpu_ms_per_row wal_bytes_per_row"
  local out pid lsn0 cpu0 cpu1 lsn1
  coproc PSQL { timeout 600 psql -X -q -At -v ON_ERROR_STOP=1; }
  echo "select pg_backend_pid(), pg_current_wal_lsn();" >&"${PSQL[1]}"
  IFS='|' read -r pid lsn0 <&"${PSQL[0]}"
  cpu0="$(cpu_of "$pid")"
  echo "$1; select 'lsn ' || pg_current_wal_lsn();" >&"${PSQL[1]}"
  out=""
  while [[ "$out" != lsn\ * ]]; do read -r out <&"${PSQL[0]}"; done # the statement's own rows first
  lsn1="${out#lsn }"
  cpu1="$(cpu_of "$pid")"
  echo "select round((pg_lsn '$lsn1' - pg_lsn '$lsn0') / $ROWS.0);" >&"${PSQL[1]}"
  read -r out <&"${PSQL[0]}"
  exec {PSQL[1]}>&-
  wait "$PSQL_PID" || true
  awk -v c=$((cpu1 - cpu0)) -v t="$TICKS" -v n="$ROWS" -v w="$out" 'BEGIN { printf "%.4f %s", c * 1000 / t / n, w }'
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-6s %-16s %14s %14s\n" round variant "CPU ms/row" "WAL bytes/row"
for round in $(seq 1 "$ROUNDS"); do
  for variant in none three one one_nofast; do
    read -r cpu wal <<<"$(measured "call tic_fill('tic_$variant', $ROWS, $((round * 1000000)))")"
    printf "%-6s %-16s %14s %14s\n" "$round" "$variant" "$cpu" "$wal"
  done
done
for variant in three one; do
  read -r cpu wal <<<"$(measured "select sum(gin_clean_pending_list(i.indexrelid)) from pg_index i
    join pg_class c on c.oid = i.indexrelid join pg_am a on a.oid = c.relam
    where i.indrelid = 'tic_$variant'::regclass and a.amname = 'gin'")"
  printf "%-6s %-16s %14s %14s   (merging the pending lists, per row inserted in the last round)\n" merge "$variant" "$cpu" "$wal"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
psql_ -c "drop table tic_none, tic_three, tic_one, tic_one_nofast; drop procedure tic_fill(text, int, bigint)"
