-- Issue 15: OpenID Connect sign-in through a tenant's external identity providers (package oidcin).

-- A sign-in under way: made when the browser is sent to the provider, used once by the callback that
-- brings it back within ten minutes. The state is looked up by its hash; the browser that started it
-- holds a cookie whose hash must match (login CSRF and a code injected into another browser). The
-- request (nonce, PKCE verifier, where to continue) is sealed with the server's key.
create table oidc_sign_in_requests (
    state_hash   bytea       primary key,
    tenant_id    uuid        not null references tenants (id) on delete cascade,
    provider_id  uuid        not null,
    browser_hash bytea       not null,
    request      bytea       not null,
    expires_at   timestamptz not null
);
create index oidc_sign_in_requests_by_expiry on oidc_sign_in_requests (expires_at);

-- What signing out at the provider needs after a console session that came from it ends (RP-initiated
-- logout with id_token_hint): found through a cookie of the browser that signed in, by the cookie's hash;
-- the ID token sealed with the server's key. Kept as long as a session may live. ended_at is set when the
-- console session signs out; only then, and once, does the sign-out page send the browser to the provider
-- (a page elsewhere cannot sign a signed-in user out of the provider by linking there).
create table oidc_sign_outs (
    handle_hash bytea       primary key,
    tenant_id   uuid        not null references tenants (id) on delete cascade,
    provider_id uuid        not null,
    id_token    bytea       not null,
    expires_at  timestamptz not null,
    ended_at    timestamptz
);
create index oidc_sign_outs_by_expiry on oidc_sign_outs (expires_at);
