-- Passkeys (WebAuthn, issue 15): a user may register several, each named; one credential id is one
-- authenticator's key, so it is unique within the tenant (the same key cannot belong to two users).
create table passkeys (
    tenant_id     uuid         not null,
    id            uuid         not null,
    user_id       uuid         not null,
    credential_id bytea        not null,
    -- The attested credential data (AAGUID, credential id and the COSE public key) as the authenticator
    -- sent it, CBOR: what webauthn4j verifies every later assertion against.
    public_key    bytea        not null,
    sign_count    bigint       not null default 0,
    transports    text[]       not null default '{}',
    user_verified boolean      not null default false,
    name          varchar(64)  not null,
    created_at    timestamptz  not null default now(),
    last_used_at  timestamptz,
    primary key (tenant_id, id),
    unique (tenant_id, credential_id),
    foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
);

create index passkeys_by_user on passkeys (tenant_id, user_id);

-- A registration or sign-in ceremony's challenge: random, used once, alive 5 minutes.
-- purpose: REGISTER (user set), SIGN_IN (user set when a username was given), SECOND_FACTOR.
create table passkey_challenges (
    id         uuid        primary key,
    tenant_id  uuid        not null references tenants (id) on delete cascade,
    user_id    uuid,
    purpose    varchar(16) not null check (purpose in ('REGISTER', 'SIGN_IN', 'SECOND_FACTOR')),
    challenge  bytea       not null,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    used_at    timestamptz
);

create index passkey_challenges_expiry on passkey_challenges (expires_at);
