-- Issue 17: the throttled doors' buckets (docs/security.md, "Throttling") in one round trip per
-- attempt. Bucket4j's PostgreSQL backend spends one bucket per transaction (begin, select for
-- update, update, commit), so a sign-in, which spends its address, account and tenant buckets and
-- gives all three back when it succeeds, cost six transactions and about 25 statements. These
-- functions spend or give back every bucket of an attempt in one statement, under the rows' locks
-- (taken in id order, so two attempts never deadlock), on the database's clock: two nodes still
-- never both spend a bucket's last token. rate_limit_buckets (V100) stays for Bucket4j's own
-- buckets (an API key's rateLimit, throttling.CredentialLimits).
--
-- id:         which limit, which door, and a SHA-256 digest of the address, account or tenant it
--             counts, so the table holds no usernames, e-mail or IP addresses.
-- tokens:     tokens left at updated_at; they refill smoothly, capacity per period.
-- full_at:    when the bucket will have refilled to full; a full bucket is the same as none, so
--             rows past it are deleted by throttling.ThrottleBuckets.
create table throttle_buckets (
    id         text primary key,
    tokens     double precision not null,
    updated_at timestamptz not null,
    full_at    timestamptz not null
);

create index throttle_buckets_full on throttle_buckets (full_at);

-- Spends one token from each bucket, all or none: refused is 0 when all were spent, else the
-- (1-based) index of the first bucket that had no token, and wait_ms how long until it has one.
create function throttle_take(ids text[], capacities integer[], periods_ms bigint[])
returns table (refused integer, wait_ms bigint) language plpgsql as $$
declare
    now_at timestamptz;
    have double precision[] := array[]::double precision[];
    available double precision;
begin
    insert into throttle_buckets (id, tokens, updated_at, full_at)
    select u.id, u.capacity, clock_timestamp(), clock_timestamp()
    from unnest(ids, capacities) as u(id, capacity)
    order by u.id
    on conflict (id) do nothing;
    perform 1 from throttle_buckets b where b.id = any (ids) order by b.id for update;
    now_at := clock_timestamp();
    for k in 1 .. cardinality(ids) loop
        select least(capacities[k]::double precision, b.tokens + greatest(0, extract(epoch from now_at - b.updated_at))
                     * 1000 * capacities[k] / periods_ms[k])
        into available from throttle_buckets b where b.id = ids[k];
        -- A row removed as full meanwhile (the clean-up) is a full bucket.
        available := coalesce(available, capacities[k]);
        if available < 1 then
            refused := k;
            wait_ms := ceil((1 - available) * periods_ms[k] / capacities[k]);
            return next;
            return;
        end if;
        have := have || available;
    end loop;
    insert into throttle_buckets as b (id, tokens, updated_at, full_at)
    select u.id, have[u.k] - 1, now_at,
           now_at + make_interval(secs => (capacities[u.k] - have[u.k] + 1) * periods_ms[u.k] / capacities[u.k] / 1000.0)
    from unnest(ids) with ordinality as u(id, k)
    order by u.id
    on conflict (id) do update set tokens = excluded.tokens, updated_at = excluded.updated_at,
        full_at = excluded.full_at;
    refused := 0;
    wait_ms := 0;
    return next;
end $$;

-- Gives one token back to each bucket (an attempt that succeeded, or that met an overload), never
-- above its capacity; a bucket without a row is full already.
create function throttle_give_back(ids text[], capacities integer[], periods_ms bigint[])
returns void language plpgsql as $$
declare
    now_at timestamptz;
begin
    perform 1 from throttle_buckets b where b.id = any (ids) order by b.id for update;
    now_at := clock_timestamp();
    with refilled as (
        select u.id, u.capacity, u.period_ms,
               least(u.capacity::double precision, b.tokens + 1 + greatest(0, extract(epoch from now_at - b.updated_at))
                     * 1000 * u.capacity / u.period_ms) as tokens
        from unnest(ids, capacities, periods_ms) as u(id, capacity, period_ms)
        join throttle_buckets b on b.id = u.id)
    update throttle_buckets b set tokens = r.tokens, updated_at = now_at,
        full_at = now_at + make_interval(secs => (r.capacity - r.tokens) * r.period_ms / r.capacity / 1000.0)
    from refilled r where b.id = r.id;
end $$;
