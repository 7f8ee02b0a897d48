-- A generated tenant in the shape scripts/scale-harness.sh makes through the API (docs/benchmarks.md,
-- "Reads and writes at 1 M users, second pass"): :users users u0000001…, :locations locations in 4 levels
-- (0.1 %, 0.9 %, 9 %, 90 %; level l's i-th under parent i mod (level l-1's count)), 100 roles (7 built-in +
-- 93 scale_NNN), 3 assignments a user at leaves (the harness's roles and leaves per line), odd users HUMAN
-- INVITED with an e-mail, even ones SERVICE ACTIVE. Made for EXPLAIN, not for the app's audit trail.
\set tenant_id '\'' :tenant '\''
set session_replication_role = replica; -- a scratch database: no foreign-key triggers while generating
insert into tenants (id, slug, name, pack) values (:tenant_id, 'gen-' || right(:tenant_id, 12), 'Generated', 'clinic');
create temporary table levels as
select l, n from (values (1, greatest(1, :locations / 1000)), (2, greatest(1, :locations * 9 / 1000)),
                         (3, greatest(1, :locations * 9 / 100))) v(l, n)
union all select 4, :locations - greatest(1, :locations / 1000) - greatest(1, :locations * 9 / 1000)
                 - greatest(1, :locations * 9 / 100);
insert into locations (tenant_id, id, name, parent_id)
select :tenant_id, md5(:tenant_id || 'L' || l || '-' || i)::uuid, 'L' || l || '-' || i,
       case when l = 1 then null
            else md5(:tenant_id || 'L' || (l - 1) || '-' || (1 + i % (select n from levels p where p.l = levels.l - 1)))::uuid end
from levels, generate_series(1, n) i order by l, i;
insert into roles (tenant_id, key, name, built_in)
select :tenant_id, k, k, true from unnest(array['admin','front_desk','provider','nurse','billing','auditor','manager']) k;
insert into roles (tenant_id, key, name, built_in)
select :tenant_id, 'scale_' || lpad(r::text, 3, '0'), 'Scale ' || r, false from generate_series(1, 93) r;
insert into users (tenant_id, id, username, username_normalized, email, email_normalized, first_name, last_name, kind, status)
select :tenant_id, md5(:tenant_id || 'u' || i)::uuid, 'u' || lpad(i::text, 7, '0'), 'u' || lpad(i::text, 7, '0'),
       case when i % 2 = 1 then 'u' || lpad(i::text, 7, '0') || '@scale.example' end,
       case when i % 2 = 1 then 'u' || lpad(i::text, 7, '0') || '@scale.example' end,
       'First' || (i % 5003), 'Last' || i, case when i % 2 = 1 then 'HUMAN' else 'SERVICE' end,
       case when i % 2 = 1 then 'INVITED' else 'ACTIVE' end
from generate_series(1, :users) i;
-- The harness: scale_(i mod 93 + 1)@leaf[i mod c], scale_((i+1) mod 93 + 1)@leaf[7i mod c], scale_((i+2) mod 93 + 1)@leaf[13i mod c]
insert into assignments (tenant_id, id, user_id, role_key, location_id, source)
select :tenant_id, gen_random_uuid(), md5(:tenant_id || 'u' || i)::uuid,
       'scale_' || lpad(((i + k) % 93 + 1)::text, 3, '0'),
       md5(:tenant_id || 'L4-' || (1 + (i * (array[1, 7, 13])[k + 1]) % (select n from levels where l = 4)))::uuid,
       case when i % 2 = 1 then 'INVITE' else 'DIRECT' end
from generate_series(1, :users) i, generate_series(0, 2) k;
