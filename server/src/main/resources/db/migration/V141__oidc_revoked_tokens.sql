-- Issue 17: client-credentials access tokens are no longer stored (package oidc, Authorizations): each is a
-- self-contained JWT judged by its claims. Revoking one (RFC 7009) is the only write: its jti, kept until the
-- token would have expired, so that introspection answers active: false and the API refuses it.
create table oidc_revoked_tokens (
    tenant_id  uuid        not null references tenants (id) on delete cascade,
    jti        text        not null,
    expires_at timestamptz not null,
    revoked_at timestamptz not null default now(),
    primary key (tenant_id, jti)
);
create index oidc_revoked_tokens_expiry on oidc_revoked_tokens (expires_at);
