-- Issue 16, tenant lifecycle: suspension and deletion.
--
-- 1. Deleting a tenant (DELETE /api/v1/tenants/{tenant}, only when suspended, after its trail is
--    archived) removes every row of it in one transaction. Every foreign key onto tenants (id) is
--    made ON DELETE CASCADE, and every table with a tenant_id column and no foreign key onto
--    tenants gets one (NOT VALID: rows of the past are not checked, the cascade still applies).
--    The trail's tables are excluded: the deletion removes them itself, through the append-only
--    trigger's door, after the archive is on disk. TenantDeletionIT checks that no table keeps a row.
do $$
declare
    fk record;
    bare record;
begin
    for fk in
        select c.conname, c.conrelid::regclass as tbl, pg_get_constraintdef(c.oid) as def
        from pg_constraint c
        where c.contype = 'f' and c.confrelid = 'tenants'::regclass and c.confdeltype <> 'c'
          and c.conrelid <> 'tenants'::regclass
    loop
        execute format('alter table %s drop constraint %I', fk.tbl, fk.conname);
        execute format('alter table %s add constraint %I %s on delete cascade', fk.tbl, fk.conname,
                       regexp_replace(fk.def, '\s+ON DELETE \w+( \w+)?', '', 'i'));
    end loop;
    for bare in
        select cl.relname
        from pg_attribute a
        join pg_class cl on cl.oid = a.attrelid and cl.relkind = 'r'
        join pg_namespace n on n.oid = cl.relnamespace and n.nspname = current_schema()
        where a.attname = 'tenant_id' and not a.attisdropped
          and cl.relname not in ('audit_events', 'audit_sequences', 'audit_event_roles', 'flyway_schema_history')
          and not exists (select 1 from pg_constraint c
                          where c.conrelid = cl.oid and c.contype = 'f' and c.confrelid = 'tenants'::regclass)
    loop
        execute format('alter table %I add constraint %I foreign key (tenant_id) references tenants (id)'
                       || ' on delete cascade not valid', bare.relname, bare.relname || '_tenant_cascade');
    end loop;
end
$$;

-- 2. The operators' new permissions, for installations whose platform tenant predates them (a new
--    installation gets them from platform-pack.json). SUPER_ADMIN holds them through '*'; the
--    platform ADMIN holds tenants.suspend and tenants.delete through 'tenants.*' and is given
--    platform.audit.read here, as the pack gives it.
insert into permissions (tenant_id, key, description, kind, source)
select t.id, p.key, p.description, 'FUNCTIONAL', 'PACK'
from tenants t
cross join (values
    ('tenants.suspend', 'Suspend a tenant (every session ends, every check is denied) and reactivate it'),
    ('tenants.delete', 'Delete a suspended tenant and all its data, after its audit trail is archived'),
    ('platform.audit.read', 'Read the platform''s own audit trail: tenants created, changed, suspended and deleted')
) as p (key, description)
where t.slug = 'platform'
on conflict (tenant_id, key) do nothing;

insert into role_grants (tenant_id, role_key, position, permission, scope)
select r.tenant_id, r.key,
       (select coalesce(max(g.position), -1) from role_grants g where g.tenant_id = r.tenant_id and g.role_key = r.key)
           + 1,
       'platform.audit.read', 'TENANT'
from roles r
join tenants t on t.id = r.tenant_id
where t.slug = 'platform' and r.key = 'ADMIN' and r.built_in
  and not exists (select 1 from role_grants g
                  where g.tenant_id = r.tenant_id and g.role_key = r.key and g.permission = 'platform.audit.read');
