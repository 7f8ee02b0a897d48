prepare q(uuid, text[], bool, int, text) as select u.id, u.username, u.first_name, u.last_name, u.email, u.phone, u.kind, u.status, u.hidden, u.created_at from users u where u.tenant_id = $1
  and exists (select 1 from assignments a where a.tenant_id = u.tenant_id and a.user_id = u.id
              and a.location_id = any (cast((select cast($2 as uuid[])) as uuid[])) offset 0)
  and u.hidden = $3
  and u.username_normalized > $5 order by u.username_normalized limit $4;
