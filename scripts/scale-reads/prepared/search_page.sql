prepare q(uuid, text, bool, int, bigint) as select u.id, u.username, u.first_name, u.last_name, u.email, u.status from users u where u.tenant_id = $1
  and (u.username_normalized like $2 escape '\' or lower(u.first_name || ' ' || u.last_name) like $2 escape '\' or u.email_normalized like $2 escape '\')
  and u.hidden = $3 order by u.username_normalized, u.id limit $4 offset $5;
