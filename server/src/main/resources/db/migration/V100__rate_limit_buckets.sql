-- Rate limits shared by every node (docs/security.md, "Throttling"): Bucket4j's PostgreSQL backend
-- keeps one row per bucket and takes a row lock (select ... for update) for each attempt, so two
-- nodes never both spend a bucket's last token. The table is created here rather than by the
-- library at run time, so the schema is Flyway's like every other table.
--
-- id:         which limit, which door, and a SHA-256 digest of the address, account or tenant it
--             counts, so the table holds no usernames, e-mail or IP addresses.
-- state:      Bucket4j's serialised bucket (tokens left, when it was last refilled).
-- expires_at: when the bucket will have refilled to full (epoch milliseconds); a full bucket is the
--             same as none, so rows past it are deleted by throttling.RateLimitBuckets.
create table rate_limit_buckets (
    id         text primary key,
    state      bytea,
    expires_at bigint
);

create index rate_limit_buckets_expiry on rate_limit_buckets (expires_at);
