#!/bin/bash
# The home page cards' counts at 1 M users (run through `SCALE=1m scripts/home-cards-explain.sh`): a
# scratch schema built from the server's own migrations (so the users table has its real columns,
# constraints and indexes), 1,000,000 users in tenant …0a and 100,000 in …0b (2 % invited, 0.5 % locked,
# an ACTIVE account's lock in force for 1 in 300 and an expired one for 1 in 7, ~54 % idle beyond 90 days),
# each tenant's three counts EXPLAINed twice before V150 and twice after. Drops the schema at the end.
set -e
cd "$(dirname "$0")/.."
PGURL=${PGURL:-postgresql://postgres@127.0.0.1:5432/test}
M=server/src/main/resources/db/migration
P="psql $PGURL -X -q -v ON_ERROR_STOP=1"
SCHEMA=org16_scale
trap "$P -c 'drop schema if exists $SCHEMA cascade' >/dev/null 2>&1" EXIT

migrations() {  # the migrations with a version in [$1, $2)
    for f in $(ls $M | sort -V); do
        v=${f#V}; v=${v%%__*}
        if [ "$v" -ge "$1" ] && [ "$v" -lt "$2" ]; then echo "\\echo $f"; cat $M/$f; echo; fi
    done
}
{ echo "drop schema if exists $SCHEMA cascade; create schema $SCHEMA; set search_path = $SCHEMA, public;"
  migrations 1 150; } | $P >/dev/null

# Indexes are dropped while the rows go in and built again after (minutes instead of an hour).
$P <<SQL
set search_path = $SCHEMA, public;
insert into tenants (id, slug, name, pack) values
  ('00000000-0000-0000-0000-00000000000a', 'scale-a', 'Scale A', 'clinic'),
  ('00000000-0000-0000-0000-00000000000b', 'scale-b', 'Scale B', 'clinic');
create temp table idx as select indexname, indexdef from pg_indexes
  where schemaname = '$SCHEMA' and tablename = 'users'
    and indexname not in ('users_pkey', 'users_tenant_id_username_normalized_key');
do \$\$ declare r record; begin
  for r in select indexname from idx loop execute 'drop index $SCHEMA.' || r.indexname; end loop; end \$\$;
insert into users (tenant_id, id, username, username_normalized, first_name, last_name, status, locked_until,
                   last_sign_in_at, created_at)
select t, gen_random_uuid(), 'u' || n, 'u' || n, 'F' || n, 'L' || n,
       case when n % 50 = 0 then 'INVITED' when n % 200 = 1 then 'LOCKED' else 'ACTIVE' end,
       case when n % 300 = 2 then now() + interval '1 day' when n % 7 = 3 then now() - interval '30 days' end,
       case when n % 50 = 0 then null else now() - (n % 200) * interval '1 day' end,
       now() - interval '400 days'
from (values ('00000000-0000-0000-0000-00000000000a'::uuid, 1000000),
             ('00000000-0000-0000-0000-00000000000b'::uuid, 100000)) v(t, size),
     generate_series(1, size) n;
do \$\$ declare r record; begin for r in select indexdef from idx loop execute r.indexdef; end loop; end \$\$;
vacuum analyze users;
SQL

explain() {  # $1 title, $2 the three counts' select
    for t in a b; do
        for run in cold warm; do
            echo "== $1, tenant …0$t, $run"
            $P -v t=00000000-0000-0000-0000-00000000000$t <<SQL
set search_path = $SCHEMA, public;
explain (analyze, buffers, costs off, summary on) $2;
SQL
        done
    done
}
explain "V147 indexes, counts as before V150" "
select (select count(*) from (select 1 from users
            where tenant_id = :'t' and status = 'INVITED' and not hidden
            limit 10001) capped) as invited,
       (select count(*) from (select 1 from users
            where tenant_id = :'t' and not hidden
              and (status = 'LOCKED' or (status = 'ACTIVE' and locked_until > now()))
            limit 10001) capped) as locked,
       (select count(*) from (select 1 from users
            where tenant_id = :'t' and status = 'ACTIVE' and kind = 'HUMAN' and not hidden
              and coalesce(last_sign_in_at, created_at) < now() - interval '90 days'
            limit 10001) capped) as dormant"
{ echo "set search_path = $SCHEMA, public;"; migrations 150 151; echo "analyze users;"; } | $P >/dev/null
explain "V150 indexes, AccountsAttention's ordered counts" "
select (select count(*) from (select 1 from users
            where tenant_id = :'t' and status = 'INVITED' and not hidden
            order by id limit 10001) capped) as invited,
       (select count(*) from (
            (select 1 from users where tenant_id = :'t' and status = 'LOCKED' and not hidden
             order by id limit 10001)
            union all
            (select 1 from users where tenant_id = :'t' and status = 'ACTIVE' and not hidden
               and locked_until > now() order by locked_until limit 10001)
            limit 10001) capped) as locked,
       (select count(*) from (select 1 from users
            where tenant_id = :'t' and status = 'ACTIVE' and kind = 'HUMAN' and not hidden
              and coalesce(last_sign_in_at, created_at) < now() - interval '90 days'
            order by coalesce(last_sign_in_at, created_at) limit 10001) capped) as dormant"
