prepare q(uuid, text[], bool, int, bigint) as select u.id, u.username, u.first_name, u.last_name, u.email, u.phone, u.kind, u.status, u.hidden, u.created_at from users u where u.tenant_id = $1
  and u.id in (select a.user_id from assignments a where a.tenant_id = $1 and a.location_id = any (cast($2 as uuid[])))
  and u.hidden = $3 order by u.username_normalized, u.id limit $4 offset $5;
