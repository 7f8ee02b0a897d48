-- Issue 17: reads whose cost followed the tenant's size (docs/benchmarks.md, "1 M users").

-- Who-can reads the holders of the few roles that could allow, tenant-wide or at a location or
-- above it (access.PolicyLoader.holdersOf), instead of every user of the tenant. The index answers
-- it from the index alone; it also serves every lookup of assignments_by_role, its prefix.
create index assignments_by_role_location on assignments (tenant_id, role_key, location_id)
    include (user_id, starts_at, expires_at);
drop index assignments_by_role;

-- The roster's location filter (users.UserStore): the users with an assignment at one of the
-- locations of a subtree, found from the locations instead of walking every user's assignments.
create index assignments_by_location on assignments (tenant_id, location_id, user_id)
    where location_id is not null;

-- User search (users.UserStore): the text anywhere in the username, the name or the e-mail, as
-- like '%…%' with % _ and \ escaped, which trigram indexes serve. pg_trgm is a contrib module of
-- PostgreSQL (shipped with the embedded one; trusted, so a database owner may create it).
create extension if not exists pg_trgm;
create index users_search_username on users using gin (username_normalized gin_trgm_ops);
create index users_search_name on users using gin ((lower(first_name || ' ' || last_name)) gin_trgm_ops);
create index users_search_email on users using gin (email_normalized gin_trgm_ops)
    where email_normalized is not null;
