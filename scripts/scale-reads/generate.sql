-- A generated tenant: :users users, :locations locations (1 root, a tenth regions, the rest leaves),
-- 100 roles, 3 assignments a user at leaves (every 50th user one tenant-wide instead).
\set tenant_id '\'' :tenant '\''
insert into tenants (id, slug, name, pack) values (:tenant_id, 'gen-' || right(:tenant_id, 12), 'Generated', 'clinic');
insert into locations (tenant_id, id, name, parent_id)
select :tenant_id, md5(:tenant_id || 'root')::uuid, 'Root', null;
insert into locations (tenant_id, id, name, parent_id)
select :tenant_id, md5(:tenant_id || 'region' || r)::uuid, 'Region ' || r, md5(:tenant_id || 'root')::uuid
from generate_series(0, greatest(1, :locations / 10) - 1) r;
insert into locations (tenant_id, id, name, parent_id)
select :tenant_id, md5(:tenant_id || 'leaf' || l)::uuid, 'Leaf ' || l,
       md5(:tenant_id || 'region' || (l % greatest(1, :locations / 10)))::uuid
from generate_series(0, :locations - greatest(1, :locations / 10) - 2) l;
insert into roles (tenant_id, key, name, built_in)
select :tenant_id, 'r' || lpad(r::text, 3, '0'), 'Role ' || r, false from generate_series(0, 99) r;
insert into users (tenant_id, id, username, username_normalized, email, email_normalized, first_name, last_name, kind, status)
select :tenant_id, md5(:tenant_id || 'user' || n)::uuid, 'user-' || n, 'user-' || n,
       'user-' || n || '@example.org', 'user-' || n || '@example.org',
       (array['Ann','Ben','Cara','Dev','Eli','Fay','Gus','Hana','Ivo','Jo'])[1 + n % 10],
       'Lastname' || substr(md5('last' || (n % 20000)), 1, 6), case when n % 2 = 0 then 'SERVICE' else 'HUMAN' end,
       'ACTIVE'
from generate_series(1, :users) n;
insert into assignments (tenant_id, id, user_id, role_key, location_id, source)
select :tenant_id, gen_random_uuid(), md5(:tenant_id || 'user' || n)::uuid,
       'r' || lpad(((n * 7 + k * 11) % 100)::text, 3, '0'),
       case when n % 50 = 0 and k = 0 then null
            else md5(:tenant_id || 'leaf' || ((n * 13 + k * 31) % (:locations - greatest(1, :locations / 10) - 1)))::uuid end,
       'DIRECT'
from generate_series(1, :users) n, generate_series(0, 2) k;
