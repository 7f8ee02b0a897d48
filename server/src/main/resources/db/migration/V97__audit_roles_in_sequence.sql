-- Issue 5: the role filter of the trail gets an index in sequence order, like every other filter
-- (V61), so a search by role walks matches newest first instead of the whole trail. The GIN index
-- on actor_roles could only say which events match, in no order: the newest fifty of a role held by
-- a quarter of a million events took a sort of them all, or a walk of the trail hoping to meet them.

-- One row per role an event's actor held; derived from audit_events by the triggers below, never
-- written by the application, and not part of the hash chain (a change here alters no event).
create table audit_event_roles (
    tenant_id uuid   not null,
    role      text   not null,
    seq       bigint not null,
    primary key (tenant_id, role, seq)
);

insert into audit_event_roles (tenant_id, role, seq)
select distinct tenant_id, role, seq
from audit_events, unnest(actor_roles) as role
where role is not null;

-- Statement triggers with transition tables: a batch of events (AuditLog.recordAll inserts a batch
-- with one statement) adds its roles with one statement too.
create function audit_event_roles_inserted() returns trigger language plpgsql as $$
begin
    insert into audit_event_roles (tenant_id, role, seq)
    select distinct tenant_id, role, seq from inserted, unnest(actor_roles) as role
    where role is not null
    on conflict do nothing;
    return null;
end
$$;

-- Only the retention purge, the chain backfill and operators' repairs update or delete events
-- (V60). The update trigger fires only for rows whose tenant, sequence number or roles changed (the
-- backfill sets hashes only). It runs after the whole statement, so it reads each number's final
-- holder: a statement that shifts sequence numbers past each other leaves every number's roles right.
create function audit_event_roles_updated() returns trigger language plpgsql as $$
begin
    delete from audit_event_roles r
    where r.tenant_id = old.tenant_id and r.seq = old.seq
      and not exists (select 1 from audit_events e
                      where e.tenant_id = old.tenant_id and e.seq = old.seq and r.role = any(e.actor_roles));
    insert into audit_event_roles (tenant_id, role, seq)
    select distinct new.tenant_id, role, new.seq from unnest(new.actor_roles) as role
    where role is not null
    on conflict do nothing;
    return null;
end
$$;

create function audit_event_roles_deleted() returns trigger language plpgsql as $$
begin
    delete from audit_event_roles r using removed o where r.tenant_id = o.tenant_id and r.seq = o.seq;
    return null;
end
$$;

-- A truncate (refused unless purging, V60) empties the whole table, so this one too.
create function audit_event_roles_truncated() returns trigger language plpgsql as $$
begin
    truncate audit_event_roles;
    return null;
end
$$;

create trigger audit_event_roles_on_insert after insert on audit_events
    referencing new table as inserted for each statement execute function audit_event_roles_inserted();
create trigger audit_event_roles_on_update after update on audit_events for each row
    when (old.tenant_id <> new.tenant_id or old.seq <> new.seq or old.actor_roles is distinct from new.actor_roles)
    execute function audit_event_roles_updated();
create trigger audit_event_roles_on_delete after delete on audit_events
    referencing old table as removed for each statement execute function audit_event_roles_deleted();

create trigger audit_event_roles_on_truncate after truncate on audit_events
    for each statement execute function audit_event_roles_truncated();

drop index audit_by_roles;
