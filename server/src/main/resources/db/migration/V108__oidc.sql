-- Issue 12: the OpenID Connect provider per tenant (package oidc).

-- The tenant's applications (OAuth clients). client_id is the public identifier the application is
-- configured with, unique across tenants so a token's client_id names one client; the secret of a
-- confidential client is a SHA-256 of 256 random bits (never a person's password, so no slow hash).
create table oidc_clients (
    tenant_id                 uuid        not null references tenants (id) on delete cascade,
    id                        uuid        not null,
    client_id                 text        not null unique,
    name                      text        not null,
    type                      text        not null check (type in ('confidential', 'public')),
    secret_hash               text,
    redirect_uris             text[]      not null default '{}',
    post_logout_redirect_uris text[]      not null default '{}',
    grant_types               text[]      not null,
    scopes                    text[]      not null,
    service_account           uuid,
    first_party               boolean     not null default false,
    status                    text        not null default 'ACTIVE' check (status in ('ACTIVE', 'DISABLED')),
    created_at                timestamptz not null default now(),
    updated_at                timestamptz not null default now(),
    secret_rotated_at         timestamptz,
    primary key (tenant_id, id),
    foreign key (tenant_id, service_account) references users (tenant_id, id) on delete cascade,
    check ((type = 'public') = (secret_hash is null))
);
create index oidc_clients_by_service_account on oidc_clients (tenant_id, service_account)
    where service_account is not null;

-- The signing keys every node signs with: JWKs sealed with GATEHOUSE_SECRET_KEY (secrets.SecretBox).
-- The newest active key signs; a retired one is still published until publish_until, when every
-- token it signed has expired.
create table oidc_signing_keys (
    kid           text        primary key,
    sealed_jwk    bytea       not null,
    created_at    timestamptz not null default now(),
    retired_at    timestamptz,
    publish_until timestamptz
);

-- Authorizations of Spring Authorization Server (codes, access, refresh and ID tokens of one grant),
-- sealed whole with GATEHOUSE_SECRET_KEY; tokens are found by the SHA-256 of their value. A refresh
-- token replaced by rotation keeps its hash in rotated_refresh_hashes: presenting it again is reuse,
-- which kills the authorization (the whole family).
create table oidc_authorizations (
    id                      text        primary key,
    tenant_id               uuid        not null,
    client_row_id           uuid        not null,
    principal_name          text        not null,
    user_id                 uuid,
    session_id              uuid,
    grant_type              text        not null,
    state_hash              bytea,
    code_hash               bytea,
    access_hash             bytea,
    refresh_hash            bytea,
    id_token_hash           bytea,
    rotated_refresh_hashes  bytea[]     not null default '{}',
    sealed                  bytea       not null,
    expires_at              timestamptz not null,
    created_at              timestamptz not null default now(),
    updated_at              timestamptz not null default now(),
    foreign key (tenant_id, client_row_id) references oidc_clients (tenant_id, id) on delete cascade
);
create index oidc_authorizations_state on oidc_authorizations (state_hash) where state_hash is not null;
create index oidc_authorizations_code on oidc_authorizations (code_hash) where code_hash is not null;
create index oidc_authorizations_access on oidc_authorizations (access_hash) where access_hash is not null;
create index oidc_authorizations_refresh on oidc_authorizations (refresh_hash) where refresh_hash is not null;
create index oidc_authorizations_id_token on oidc_authorizations (id_token_hash) where id_token_hash is not null;
create index oidc_authorizations_rotated on oidc_authorizations using gin (rotated_refresh_hashes);
create index oidc_authorizations_by_session on oidc_authorizations (tenant_id, session_id)
    where session_id is not null;
create index oidc_authorizations_by_user on oidc_authorizations (tenant_id, user_id) where user_id is not null;

-- Managing a tenant's OAuth clients needs clients.manage (docs/role-packs.md); tenants created before
-- the packs carried it get it here beside access.check; admin roles hold it through '*'.
insert into permissions (tenant_id, key, description, kind, source)
select tenant_id, 'clients.manage',
       'Register and manage the applications that sign users in through Gatehouse (OAuth clients)', 'FUNCTIONAL', 'PACK'
from permissions
where key = 'access.check' and source = 'PACK'
on conflict (tenant_id, key) do nothing;
