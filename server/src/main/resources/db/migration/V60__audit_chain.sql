-- Issue 5: the tamper-evident audit chain (docs/audit.md).

-- Each event's SHA-256 over its canonical content and the previous event's hash. Events written
-- before this migration get theirs from ChainBackfill at the next start (a fresh database has none).
alter table audit_events add column prev_hash bytea, add column hash bytea;

-- The chain head: the hash of the tenant's last event, kept beside last_seq so that an append,
-- already holding this row's lock, never reads audit_events.
alter table audit_sequences add column last_hash bytea;

-- Append-only: UPDATE, DELETE and TRUNCATE are refused unless the transaction has set
-- gatehouse.audit_purge = 'on' (set_config(..., true) / SET LOCAL: it ends with the transaction),
-- which only the retention purge and the one-time backfill do.
create function audit_events_append_only() returns trigger language plpgsql as $$
begin
    if coalesce(current_setting('gatehouse.audit_purge', true), '') = 'on' then
        if tg_op = 'DELETE' then
            return old;
        end if;
        return new;
    end if;
    raise exception 'audit_events is append-only: % refused', tg_op using errcode = '42501';
end
$$;

create trigger audit_events_append_only_rows before update or delete on audit_events
    for each row execute function audit_events_append_only();
create trigger audit_events_append_only_truncate before truncate on audit_events
    for each statement execute function audit_events_append_only();
