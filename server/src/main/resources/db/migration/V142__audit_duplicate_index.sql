-- Issue 17: every audit event is written into each index of audit_events, so an index that another
-- one already serves is paid for by every event (and ten times over by a bulk import) for nothing.
--
-- audit_events_by_actor (tenant_id, actor_id) where actor_id is not null (V10) answers "did this user
-- act?" (TrailCounts.hasActed). audit_by_actor (tenant_id, actor_id, seq) (V61) has the same leading
-- columns and holds every row, so it serves that query and every other one filtering on the tenant
-- and the actor (the activity queries, AuditQueries' actor filter), in sequence order besides.
drop index if exists audit_events_by_actor;
