prepare q(uuid, text, bool, bigint) as select count(*) from (select 1 from users u where u.tenant_id = $1
  and (u.username_normalized like $2 escape '\' or lower(u.first_name || ' ' || u.last_name) like $2 escape '\' or u.email_normalized like $2 escape '\')
  and u.hidden = $3 limit $4) as capped;
