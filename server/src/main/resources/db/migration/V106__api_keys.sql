-- API keys (issue 12; docs/api.md, "Applications"; docs/security.md, "API keys"). A key belongs to
-- one user of the tenant, its owner (a service account, or the person who made it), and goes with
-- them: the owner's closing revokes it first, audited (apikeys.ClosedAccounts), and a delete then
-- removes the rows. Only hashes of secrets are stored: SHA-256 of the whole key, which is 256 bits
-- of randomness, so no slow hash is needed (nothing to guess). While a rotation's overlap lasts the
-- previous secret's hash is kept beside the new one.
create table api_keys (
    tenant_id         uuid        not null references tenants (id),
    id                uuid        not null,
    public_id         text        not null unique,
    name              text        not null,
    owner_id          uuid        not null,
    created_by        uuid,
    scopes            text[]      not null,
    locations         text[]      not null default '{}',
    rate_requests     integer     not null check (rate_requests > 0),
    rate_seconds      integer     not null check (rate_seconds > 0),
    secret_hash       bytea       not null unique,
    previous_hash     bytea       unique,
    previous_until    timestamptz,
    created_at        timestamptz not null,
    expires_at        timestamptz not null,
    rotated_at        timestamptz,
    revoked_at        timestamptz,
    last_used_at      timestamptz,
    last_used_ip      text,
    primary key (tenant_id, id),
    foreign key (tenant_id, owner_id) references users (tenant_id, id) on delete cascade,
    check ((previous_hash is null) = (previous_until is null))
);

create index api_keys_by_owner on api_keys (tenant_id, owner_id, created_at);

-- Requests per key and day (UTC), added up in memory on each node and flushed in the background
-- (apikeys.KeyUsage): never a write on the request path.
create table api_key_usage (
    tenant_id  uuid   not null,
    key_id     uuid   not null,
    day        date   not null,
    requests   bigint not null,
    primary key (tenant_id, key_id, day),
    foreign key (tenant_id, key_id) references api_keys (tenant_id, id) on delete cascade
);
