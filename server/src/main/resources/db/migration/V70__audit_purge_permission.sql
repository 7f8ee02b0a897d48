-- Issue 5: the retention purge's endpoint needs audit.purge (docs/role-packs.md). Tenants created
-- before the packs carried it get it here, beside the audit.export their pack gave them; admin roles
-- hold it through their '*' grant, no one else until a tenant grants it.
insert into permissions (tenant_id, key, description, kind, source)
select tenant_id, 'audit.purge',
       'Run the retention purge now: archive and remove events older than the retention period', 'FUNCTIONAL', 'PACK'
from permissions
where key = 'audit.export' and source = 'PACK'
on conflict (tenant_id, key) do nothing;
