-- Issue 15: sign-ins proved elsewhere (identity providers, directories, passkeys). A two-step
-- sign-in remembers how its first step was proved, so the session's methods (an ID token's amr)
-- say "OIDC, then TOTP" rather than "PASSWORD, then TOTP"; null is the password, as before.
alter table mfa_challenges add column first_method text;

-- Managing identity providers and provisioning through SCIM are permissions of every pack
-- (docs/role-packs.md); tenants created before the packs carried them get them here, beside
-- access.check. Admin roles hold them through '*'.
insert into permissions (tenant_id, key, description, kind, source)
select tenant_id, 'identity-providers.manage',
       'Connect identity providers (OpenID Connect, SAML, LDAP) and set how their users are provisioned', 'FUNCTIONAL', 'PACK'
from permissions
where key = 'access.check' and source = 'PACK'
on conflict (tenant_id, key) do nothing;

insert into permissions (tenant_id, key, description, kind, source)
select tenant_id, 'scim.provision',
       'Provision and deprovision users and groups through SCIM 2.0 (for an API key of the identity provider)',
       'FUNCTIONAL', 'PACK'
from permissions
where key = 'access.check' and source = 'PACK'
on conflict (tenant_id, key) do nothing;
