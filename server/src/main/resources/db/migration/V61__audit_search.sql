-- Indexes for searching the audit trail (issue 5): every filter of GET .../audit walks one index in
-- sequence order within the tenant, so a filtered page stays fast over millions of events.

-- The stored address as inet, or null when the text is not one; immutable so it can be indexed, and
-- tolerant so one odd row can never fail a search by IP. Not parallel safe: the exception block
-- needs a subtransaction, which a parallel worker (or a parallel index build) cannot start.
create function audit_inet(address text) returns inet
    language plpgsql immutable as $$
begin
    return cast(address as inet);
exception when others then
    return null;
end;
$$;

create index audit_by_actor on audit_events (tenant_id, actor_id, seq);
create index audit_by_actor_name on audit_events (tenant_id, lower(actor_username), seq);
create index audit_by_target on audit_events (tenant_id, target_id, seq);
create index audit_by_at on audit_events (tenant_id, at);
create index audit_by_ip on audit_events (tenant_id, audit_inet(ip), seq);
create index audit_by_roles on audit_events using gin (actor_roles);
