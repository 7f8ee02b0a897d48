prepare q(uuid, bool, int, bigint) as select u.id, u.username, u.first_name, u.last_name, u.email, u.status from users u where u.tenant_id = $1
  and u.hidden = $2 order by u.username_normalized, u.id limit $3 offset $4;
