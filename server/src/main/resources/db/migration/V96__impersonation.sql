-- Platform operators reach a tenant's data only through impersonation or break-glass, both audited
-- and visible to the tenant (docs/access-model.md; docs/security.md, "Impersonation and break-glass").

-- An impersonation is a session of the tenant's user that names the operator behind it. The
-- operator is a user of the platform tenant, so this is the one reference from a tenant's row into
-- another tenant: deliberate, composite like every other (docs/style.md rule 6), and never into the
-- session's own tenant (the platform tenant's users are not impersonated). The username is kept as
-- it was, as the audit trail keeps actors. An operator row removed from the database takes their
-- impersonations with it rather than blocking the delete.
alter table sessions
    add column impersonator_tenant_id uuid,
    add column impersonator_id        uuid,
    add column impersonator_username  text,
    add constraint sessions_impersonator foreign key (impersonator_tenant_id, impersonator_id)
        references users (tenant_id, id) on delete cascade,
    add constraint sessions_impersonator_whole check (
        (impersonator_tenant_id is null) = (impersonator_id is null)
        and (impersonator_id is null) = (impersonator_username is null)),
    add constraint sessions_impersonator_elsewhere check (impersonator_tenant_id is distinct from tenant_id);

-- The expiry sweep (authentication.ImpersonationExpiry) finds the impersonations that lapsed unended.
create index sessions_open_impersonations on sessions (expires_at)
    where impersonator_id is not null and ended_at is null;

-- The operators' two permissions, for installations whose platform tenant predates them (a new
-- installation gets them from platform-pack.json). SUPER_ADMIN holds them through its '*' grant;
-- the platform ADMIN, who looks after tenants, is given both here.
insert into permissions (tenant_id, key, description, kind, source)
select t.id, p.key, p.description, 'FUNCTIONAL', 'PACK'
from tenants t
cross join (values
    ('platform.impersonate', 'Act as a tenant''s user for at most 30 minutes, with a reason, audited in the tenant''s trail'),
    ('platform.break-glass', 'Unlock a tenant''s user once and issue them a password-reset link, audited and alerted in the tenant''s trail')
) as p (key, description)
where t.slug = 'platform'
on conflict (tenant_id, key) do nothing;

insert into role_grants (tenant_id, role_key, position, permission, scope)
select r.tenant_id, r.key,
       (select coalesce(max(g.position), -1) from role_grants g where g.tenant_id = r.tenant_id and g.role_key = r.key)
           + p.ord,
       p.permission, 'TENANT'
from roles r
join tenants t on t.id = r.tenant_id
cross join (values (1, 'platform.impersonate'), (2, 'platform.break-glass')) as p (ord, permission)
where t.slug = 'platform' and r.key = 'ADMIN' and r.built_in
  and not exists (select 1 from role_grants g
                  where g.tenant_id = r.tenant_id and g.role_key = r.key and g.permission = p.permission);

update roles set description = 'Creates and looks after tenants, and helps a locked-out tenant admin through audited '
        || 'impersonation or break-glass; no platform configuration (seed 002 §3.2).'
where key = 'ADMIN' and built_in and tenant_id in (select id from tenants where slug = 'platform');
