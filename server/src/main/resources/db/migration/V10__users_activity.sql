-- A user may be deleted only while nothing in the audit trail is attributed to them (seed 004:
-- offboarding locks, so that history stays attributed). This index answers "did they act?" without
-- reading the tenant's whole trail.
create index audit_events_by_actor on audit_events (tenant_id, actor_id) where actor_id is not null;
