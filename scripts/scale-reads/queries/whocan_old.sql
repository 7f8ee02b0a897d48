select id, username from users where tenant_id = :T order by username_normalized, id
