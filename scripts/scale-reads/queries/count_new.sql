select count(*) from (select 1 from users u where u.tenant_id = :T and u.hidden = false limit 10001) c
