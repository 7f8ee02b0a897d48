-- Parent and child tenants (issue 16; docs/organisations.md, "Parent and child tenants").
-- The tenants below a parent are found by parent_id: settings changes reach them, and
-- childaccess asks the lineage on every request.
create index if not exists tenants_by_parent on tenants (parent_id) where parent_id is not null;

-- children.access (every pack's catalog) lets a parent tenant's role act in its children; tenants
-- created before the packs carried it get it here; admin roles hold it through '*'.
insert into permissions (tenant_id, key, description, kind, source)
select tenant_id, 'children.access',
       'Act in the tenants below this one (child accounts) with the roles held here, audited in both trails; a tenant with no children grants nothing by it',
       'FUNCTIONAL', 'PACK'
from permissions
where key = 'access_reviews.manage' and source = 'PACK'
on conflict (tenant_id, key) do nothing;
