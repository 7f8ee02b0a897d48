-- Re-authentication (ASVS 7.5): when the session's user last proved a factor (sign-in, second
-- step or POST /me/reauthenticate). Sessions made before this column count from their creation.
alter table sessions add column authenticated_at timestamptz;
update sessions set authenticated_at = created_at;
alter table sessions alter column authenticated_at set not null;
alter table sessions alter column authenticated_at set default now();

-- A user's TOTP authenticator (RFC 6238). The secret is never returned after enrolment; it is
-- kept as the raw key because verifying needs it (docs/security.md explains the choice).
-- last_step remembers the last accepted time step so that each code is accepted once.
create table mfa_totp (
    tenant_id    uuid        not null,
    user_id      uuid        not null,
    secret       bytea       not null,
    confirmed_at timestamptz,
    last_step    bigint,
    created_at   timestamptz not null default now(),
    primary key (tenant_id, user_id),
    foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
);

-- Ten one-use recovery codes per user, shown once; only their SHA-256 (120 random bits each).
create table mfa_recovery_codes (
    tenant_id uuid        not null,
    user_id   uuid        not null,
    code_hash bytea       not null,
    used_at   timestamptz,
    primary key (tenant_id, user_id, code_hash),
    foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
);

-- The first step of a two-step sign-in: a short-lived, one-use token (only its hash), and an
-- e-mailed code when one was asked for (only its hash, bound to the challenge).
create table mfa_challenges (
    tenant_id        uuid        not null,
    id               uuid        not null,
    user_id          uuid        not null,
    token_hash       bytea       not null unique,
    created_at       timestamptz not null default now(),
    expires_at       timestamptz not null,
    used_at          timestamptz,
    email_code_hash  bytea,
    email_code_until timestamptz,
    primary key (tenant_id, id),
    foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
);
