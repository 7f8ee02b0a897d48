-- Issue 15, SAML 2.0 sign-in (package saml; docs/security.md, "Single sign-on: SAML 2.0").

-- The service provider's own key pair per identity provider: the certificate is published in the SP
-- metadata (for the IdP to encrypt assertions to), the private key decrypts them and is sealed with
-- GATEHOUSE_SECRET_KEY (secrets.SecretBox). Made on first use, kept for the provider's life.
create table saml_sp_keys (
    tenant_id          uuid        not null references tenants (id) on delete cascade,
    provider_id        uuid        not null,
    certificate        text        not null,
    sealed_private_key bytea       not null,
    created_at         timestamptz not null default now(),
    primary key (tenant_id, provider_id)
);

-- Each AuthnRequest sent: the RelayState (its SHA-256) names it, once. The response must answer this
-- request's ID (InResponseTo); a response to no request of ours, or to one already answered, is refused.
create table saml_requests (
    relay_hash  bytea       primary key,
    tenant_id   uuid        not null references tenants (id) on delete cascade,
    provider_id uuid        not null,
    request_id  text        not null,
    continue_to text,
    expires_at  timestamptz not null,
    used_at     timestamptz
);
create index saml_requests_by_expiry on saml_requests (expires_at);

-- Assertions accepted, remembered until they expire: the same assertion ID presented again is a replay.
create table saml_assertions (
    tenant_id    uuid        not null references tenants (id) on delete cascade,
    provider_id  uuid        not null,
    assertion_id text        not null,
    expires_at   timestamptz not null,
    primary key (tenant_id, provider_id, assertion_id)
);
create index saml_assertions_by_expiry on saml_assertions (expires_at);
