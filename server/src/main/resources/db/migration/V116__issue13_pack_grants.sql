-- Issue 13 for tenants made before it. V110, V112, V113 and V115 added the new permissions to the
-- catalogs of existing tenants; their built-in roles get here the grants a new tenant's roles get
-- from the packs (docs/role-packs.md), so a clinic upgraded in place works as a new one: managers
-- run care teams, lend their role and review break-glass at their location, providers see their
-- location's care teams and may break glass, staff may ask for an elevation. A grant a tenant's
-- role already has (the same permission, any scope) is left as the tenant set it.
insert into role_grants (tenant_id, role_key, position, permission, scope)
select r.tenant_id, r.key,
       (select coalesce(max(g.position), -1) from role_grants g where g.tenant_id = r.tenant_id and g.role_key = r.key)
           + row_number() over (partition by r.tenant_id, r.key order by f.permission),
       f.permission, f.scope
from roles r
join tenants t on t.id = r.tenant_id
join (values
    ('clinic', 'manager', 'care_teams.*', 'LOCATION'),
    ('clinic', 'manager', 'break_glass.review', 'LOCATION'),
    ('clinic', 'manager', 'elevation.request', 'LOCATION'),
    ('clinic', 'manager', 'roles.delegate', 'LOCATION'),
    ('clinic', 'provider', 'care_teams.read', 'LOCATION'),
    ('clinic', 'provider', 'break_glass.open', 'LOCATION'),
    ('clinic', 'provider', 'elevation.request', 'LOCATION'),
    ('clinic', 'front_desk', 'elevation.request', 'LOCATION'),
    ('clinic', 'billing', 'elevation.request', 'LOCATION'),
    ('clinic', 'inventory_manager', 'elevation.request', 'LOCATION'),
    ('clinic', 'ai_assistant_handler', 'elevation.request', 'LOCATION'),
    ('rcm', 'BILLING_LEAD', 'elevation.request', 'TENANT'),
    ('rcm', 'BILLING_LEAD', 'roles.delegate', 'TENANT'),
    ('rcm', 'BILLER', 'elevation.request', 'TENANT'),
    ('rcm', 'RCM_ANALYST', 'elevation.request', 'TENANT'),
    ('rcm', 'MEMBER_SERVICES', 'elevation.request', 'TENANT'),
    ('rcm', 'READONLY', 'care_teams.read', 'TENANT'),
    ('rcm', 'READONLY', 'relationships.read', 'TENANT'),
    ('booking', 'STAFF', 'elevation.request', 'TENANT'),
    ('booking', 'MANAGER', 'roles.delegate', 'TENANT'),
    ('service-desk', 'agent', 'elevation.request', 'TENANT'),
    ('service-desk', 'manager', 'elevation.request', 'TENANT'),
    ('service-desk', 'manager', 'roles.delegate', 'TENANT'),
    ('service-desk', 'employee', 'elevation.request', 'TENANT')
) as f (pack, role_key, permission, scope) on f.pack = t.pack and f.role_key = r.key
where r.built_in
  and exists (select 1 from permissions p
              where p.tenant_id = r.tenant_id and p.key = replace(f.permission, '.*', '.read'))
  and not exists (select 1 from role_grants g
                  where g.tenant_id = r.tenant_id and g.role_key = r.key and g.permission = f.permission);

-- The hourly sweep of long-expired relationships (relationships.RelationshipStore) finds them by
-- expiry instead of reading the whole table, which grows to millions of tuples per tenant.
create index relationships_expiry on relationships (expires_at) where expires_at is not null;
