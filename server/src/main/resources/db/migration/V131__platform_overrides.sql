-- Issue 16, seed 002 §3.2 "override organisation-level decisions": a platform operator's time-boxed,
-- audited elevation in a tenant (overrides.Overrides). The operator acts through an account of the
-- tenant made for this one override (its username carries the override's id, so every event the
-- override writes names it), holding the tenant's admin role until expires_at, through a session
-- of at most 30 minutes opened from the operator's own. The operator is a user of the platform
-- tenant: the reference into another tenant is deliberate and composite, as sessions' impersonator.
create table platform_overrides (
    tenant_id          uuid        not null references tenants (id) on delete cascade,
    id                 uuid        not null,
    operator_tenant_id uuid        not null,
    operator_id        uuid        not null,
    operator_username  text        not null,
    reason             text        not null,
    role_key           text        not null,
    account_id         uuid        not null,
    assignment_id      uuid        not null,
    session_id         uuid        not null,
    starts_at          timestamptz not null,
    expires_at         timestamptz not null,
    ended_at           timestamptz,
    ended_by           text,
    primary key (tenant_id, id),
    foreign key (tenant_id, account_id) references users (tenant_id, id) on delete cascade,
    foreign key (operator_tenant_id, operator_id) references users (tenant_id, id) on delete cascade,
    check (operator_tenant_id <> tenant_id),
    check (expires_at > starts_at)
);
create index platform_overrides_recent on platform_overrides (tenant_id, starts_at desc);

insert into permissions (tenant_id, key, description, kind, source)
select t.id, 'platform.override',
       'Take a tenant''s admin role for at most 30 minutes, with a reason, audited in both trails and alerted to the tenant''s admins',
       'FUNCTIONAL', 'PACK'
from tenants t
where t.slug = 'platform'
on conflict (tenant_id, key) do nothing;

-- seed 002 §3.2: the platform ADMIN "overrides organisation-level decisions"; SUPER_ADMIN holds it through '*'.
insert into role_grants (tenant_id, role_key, position, permission, scope)
select r.tenant_id, r.key,
       (select coalesce(max(g.position), -1) from role_grants g where g.tenant_id = r.tenant_id and g.role_key = r.key) + 1,
       'platform.override', 'TENANT'
from roles r
join tenants t on t.id = r.tenant_id
where t.slug = 'platform' and r.key = 'ADMIN' and r.built_in
  and not exists (select 1 from role_grants g
                  where g.tenant_id = r.tenant_id and g.role_key = r.key and g.permission = 'platform.override');
