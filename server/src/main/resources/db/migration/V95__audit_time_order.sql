-- Issue 5: a tenant's audit events are in time order as well as in sequence order, so a from/to
-- window is a range of sequence numbers (AuditQueries.window) and a window far back is as fast to
-- search as the latest hour.

-- The time of the tenant's last event. An append (AuditLog) stamps max(now, last_at, unordered_until)
-- under the chain head's row lock, so a node whose clock is a little behind, or a clock stepped back,
-- never puts an event before the one ahead of it in sequence.
alter table audit_sequences add column last_at timestamptz;

-- Events out of time order stay as they are: those written before this migration by nodes whose
-- clocks disagreed, or later by a node far behind (AuditLog.CLOCK_TOLERANCE), which keeps its true
-- time. ordered_from is the first sequence number of the part in time order and unordered_until the
-- latest time before it: every event from ordered_from on is at or after unordered_until.
alter table audit_sequences
    add column ordered_from bigint not null default 1,
    add column unordered_until timestamptz;

with history as (
    select tenant_id, max(at) as latest, bool_and(previous is null or at >= previous) as in_order
    from (select tenant_id, at, lag(at) over (partition by tenant_id order by seq) as previous
          from audit_events) events
    group by tenant_id)
update audit_sequences
set last_at = history.latest,
    ordered_from = case when history.in_order then 1 else audit_sequences.last_seq + 1 end,
    unordered_until = case when history.in_order then null else history.latest end
from history
where history.tenant_id = audit_sequences.tenant_id;

-- The first and the last event of a window in (time, sequence) order: one index probe each.
create index audit_by_at_seq on audit_events (tenant_id, at, seq);
drop index audit_by_at;
