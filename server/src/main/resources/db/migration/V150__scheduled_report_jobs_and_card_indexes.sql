-- Issue 16: a monthly schedule's report is a background job (compliance.MonthlyReports enqueues it,
-- compliance.ReportJobRunner generates it and queues its mails in the transaction that makes it READY).
-- schedule_id and schedule_period (the first day of the month it covers) name the schedule's period;
-- the unique index makes a period's job exist at most once, whichever node or run enqueues it.
alter table compliance_report_jobs add column schedule_id uuid, add column schedule_period date,
    add constraint compliance_report_jobs_schedule_whole check ((schedule_id is null) = (schedule_period is null));
create unique index compliance_report_jobs_one_per_period on compliance_report_jobs (tenant_id, schedule_id, schedule_period)
    where schedule_id is not null;

-- Issue 16: the home page's account cards (users.AccountsAttention) read at most 10,001 index entries
-- each, whatever the roster's size (docs/benchmarks.md, "at 1 M users"). Each count reads an index in
-- the order of its last column with a limit, so the scan stops at the bound; V147's dormant index made
-- a bitmap scan read every idle entry of the tenant first. The idle index carries the two dates, so the
-- dormant count is an index-only scan; a lock in force is either LOCKED or an ACTIVE account's lock end.
drop index users_invited;
drop index users_locked;
drop index users_idle_since;
create index users_invited on users (tenant_id, id) where status = 'INVITED' and not hidden;
create index users_locked on users (tenant_id, id) where status = 'LOCKED' and not hidden;
create index users_lock_ends on users (tenant_id, locked_until)
    where status = 'ACTIVE' and locked_until is not null and not hidden;
create index users_idle_since on users (tenant_id, (coalesce(last_sign_in_at, created_at)))
    include (last_sign_in_at, created_at) where status = 'ACTIVE' and kind = 'HUMAN' and not hidden;
