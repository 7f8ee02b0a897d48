-- Identity providers per tenant (issue 15; docs/api.md, "Identity providers and provisioning"): the
-- registry of OIDC, SAML and LDAP providers, the external identities linked to users, and the pending
-- consents to link an existing account. Owned by the identityproviders package.
create table identity_providers (
    tenant_id        uuid        not null references tenants (id),
    id               uuid        not null,
    name             text        not null,
    kind             text        not null check (kind in ('OIDC', 'SAML', 'LDAP')),
    preset           text check (preset in ('ENTRA', 'OKTA', 'GOOGLE')),
    -- Normalised (lower-case) e-mail domains; one domain routes to one provider of the tenant.
    domains          text[]      not null default '{}',
    -- The protocol's settings without its secrets.
    config           jsonb       not null default '{}',
    -- The write-only settings (client secret, bind password, SP private key) as one JSON object sealed
    -- with secrets.SecretBox for the purpose 'identity-provider:<tenant>:<id>': a row copied to another
    -- provider or tenant does not open.
    secrets          bytea,
    jit              boolean     not null default false,
    mappings         jsonb       not null default '[]',
    enforced         boolean     not null default false,
    enabled          boolean     not null default true,
    -- Small per-provider state the protocols keep (generated SP keys, the last LDAP sync).
    state            jsonb       not null default '{}',
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    primary key (tenant_id, id),
    unique (tenant_id, name),
    check (preset is null or kind = 'OIDC')
);

-- A user's identity at a provider: (provider, subject) names one user of the tenant, for good.
create table external_identities (
    tenant_id        uuid        not null,
    provider_id      uuid        not null,
    subject          text        not null,
    user_id          uuid        not null,
    linked_at        timestamptz not null default now(),
    last_sign_in_at  timestamptz,
    primary key (tenant_id, provider_id, subject),
    foreign key (tenant_id, provider_id) references identity_providers (tenant_id, id) on delete cascade,
    foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
);
create index external_identities_of_user on external_identities (tenant_id, user_id);

-- Linking an existing account by its verified e-mail needs the account's owner to consent (prove its
-- password): the pending link, by the SHA-256 of its token, for ten minutes and one use.
create table sso_link_requests (
    token_hash       text        primary key,
    tenant_id        uuid        not null,
    provider_id      uuid        not null,
    subject          text        not null,
    user_id          uuid        not null,
    -- The external identity as signed in (names, groups, claims), to finish the sign-in once linked.
    identity         jsonb       not null,
    expires_at       timestamptz not null,
    used_at          timestamptz,
    foreign key (tenant_id, provider_id) references identity_providers (tenant_id, id) on delete cascade,
    foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
);
create index sso_link_requests_expiry on sso_link_requests (expires_at);
