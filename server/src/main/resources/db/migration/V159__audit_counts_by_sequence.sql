-- Issue 17: every audit event is written into each index of audit_events, ten of them before this
-- migration. The alerts' counting rules (audit.TrailCounts) read their time window as a range of
-- sequence numbers, since a tenant's events are in time order as well as in sequence order (V95), and
-- walk the indexes in sequence order that the trail's searches use: (tenant_id, action, seq) for the
-- failed sign-ins of the tenant, (tenant_id, target_id, seq) or the action's for those of one account,
-- (tenant_id, actor_id, seq) for the records one user touched. The three time-ordered indexes V75 made
-- for these counts serve no query any more (docs/benchmarks.md, "Branch create17d", has the plans).
drop index if exists audit_by_action_at;
drop index if exists audit_by_action_target_at;
drop index if exists audit_by_actor_at;
