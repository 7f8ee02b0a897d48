select count(*) from users u where u.tenant_id = :T and u.hidden = false
