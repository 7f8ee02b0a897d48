select u.id, u.username from users u where u.tenant_id = :T and u.hidden = false order by u.username_normalized, u.id limit 50
