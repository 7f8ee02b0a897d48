#!/bin/bash
# Scratch PostgreSQL for the EXPLAIN of the home page account cards (docs/benchmarks.md, "Home page account
# cards"): 100,000 users in each of two tenants, the capped counts without and with V147's indexes.
# Run as a non-root user owning /tmp/org16-explain (e.g. `su postgres -c scripts/home-cards-explain.sh`);
# BIN is a PostgreSQL 18 bin directory (the embedded one the ITs extract); the cluster stops on exit.
# SCALE=1m instead builds a scratch schema (org16_scale) in the PostgreSQL at $PGURL (default the
# machine's 127.0.0.1:5432/test) from the server's migrations before V150, fills it with 1,000,000 users
# in one tenant and 100,000 in another, and EXPLAINs the counts as V147 left them, then V150's indexes
# and AccountsAttention's ordered counts (docs/benchmarks.md, "Home page cards at 1 M users").
set -e
if [ "$SCALE" = 1m ]; then
    exec "$(dirname "$0")/home-cards-explain-1m.sh"
fi
BIN=${BIN:-$(ls -d /tmp/embedded-pg/PG-*/bin | head -1)}
D=/tmp/org16-explain/data
rm -rf $D
$BIN/initdb -D $D -U postgres -A trust >/dev/null
$BIN/pg_ctl -D $D -o "-p 55447 -k /tmp/org16-explain" -l /tmp/org16-explain/log -w start >/dev/null
trap '$BIN/pg_ctl -D $D -m fast stop >/dev/null' EXIT
P="/usr/bin/psql -h /tmp/org16-explain -p 55447 -U postgres -X -q"
$P <<'SQL'
create table users (
    tenant_id uuid not null, id uuid not null, username text not null,
    kind text not null default 'HUMAN', status text not null, hidden boolean not null default false,
    locked_until timestamptz, last_sign_in_at timestamptz, created_at timestamptz not null default now(),
    primary key (tenant_id, id));
-- 100k users in the tenant measured, 100k in another; 1% invited, 0.5% locked, ~40% idle beyond 90 days.
insert into users (tenant_id, id, username, status, locked_until, last_sign_in_at, created_at)
select t, gen_random_uuid(), 'u' || n,
       case when n % 100 = 0 then 'INVITED' when n % 200 = 1 then 'LOCKED' else 'ACTIVE' end,
       case when n % 300 = 2 then now() + interval '10 minutes' end,
       case when n % 100 = 0 then null else now() - (n % 200) * interval '1 day' end,
       now() - interval '400 days'
from (values ('00000000-0000-0000-0000-00000000000a'::uuid), ('00000000-0000-0000-0000-00000000000b'::uuid)) v(t),
     generate_series(1, 100000) n;
analyze users;
SQL
run() {
$P <<SQL
\\echo == $1
explain (analyze, buffers, costs off, summary on)
select (select count(*) from (select 1 from users
            where tenant_id = '00000000-0000-0000-0000-00000000000a' and status = 'INVITED' and not hidden
            limit 10001) capped) as invited,
       (select count(*) from (select 1 from users
            where tenant_id = '00000000-0000-0000-0000-00000000000a' and not hidden
              and (status = 'LOCKED' or (status = 'ACTIVE' and locked_until > now()))
            limit 10001) capped) as locked,
       (select count(*) from (select 1 from users
            where tenant_id = '00000000-0000-0000-0000-00000000000a' and status = 'ACTIVE' and kind = 'HUMAN' and not hidden
              and coalesce(last_sign_in_at, created_at) < now() - interval '90 days'
            limit 10001) capped) as dormant;
SQL
}
run "without V147 indexes"
run "without V147 indexes (warm)"
$P <<'SQL'
create index users_invited on users (tenant_id) where status = 'INVITED' and not hidden;
create index users_locked on users (tenant_id, locked_until)
    where (status = 'LOCKED' or locked_until is not null) and not hidden;
create index users_idle_since on users (tenant_id, (coalesce(last_sign_in_at, created_at)))
    where status = 'ACTIVE' and kind = 'HUMAN' and not hidden;
analyze users;
SQL
run "with V147 indexes"
run "with V147 indexes (warm)"
