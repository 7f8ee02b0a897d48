-- Issue 16: the home page's account cards (users.AccountsAttention) count at most 10,001 rows each,
-- and these partial indexes let each count read only the rows it counts instead of the whole roster
-- (docs/benchmarks.md, "Home page account cards"). Locked accounts and invitations are few; the
-- dormant count reads the active people's last sign-in (or creation) in order, up to its bound.
create index users_invited on users (tenant_id) where status = 'INVITED' and not hidden;
create index users_locked on users (tenant_id, locked_until)
    where (status = 'LOCKED' or locked_until is not null) and not hidden;
create index users_idle_since on users (tenant_id, (coalesce(last_sign_in_at, created_at)))
    where status = 'ACTIVE' and kind = 'HUMAN' and not hidden;

-- Issue 16: compliance reports are generated in the background (compliance.ReportJobs). A job is
-- PENDING until a node claims it, RUNNING while one generates it under a lease the node renews,
-- then READY (report_id names the stored report) or FAILED (error says why, in a manager's words).
-- A lease that runs out (the node died) lets any node take the job again, at most a few times
-- (attempts); actor is the audit actor who asked, for the REPORT_GENERATED event written later.
create table compliance_report_jobs (
    tenant_id         uuid        not null references tenants (id) on delete cascade,
    id                uuid        not null,
    type              text        not null check (type in ('HIPAA_ACCESS', 'USER_ACCESS', 'SIGN_IN_SECURITY')),
    format            text        not null check (format in ('CSV', 'PDF')),
    period_from       date,
    period_to         date,
    as_of             date,
    status            text        not null check (status in ('PENDING', 'RUNNING', 'READY', 'FAILED')),
    requested_at      timestamptz not null,
    requested_by      uuid,
    requested_by_name text        not null,
    actor             jsonb       not null,
    ip                text,
    user_agent        text,
    attempts          integer     not null default 0,
    lease_until       timestamptz not null,
    finished_at       timestamptz,
    report_id         uuid,
    error             text,
    primary key (tenant_id, id),
    check ((status = 'READY') = (report_id is not null))
);
create index compliance_report_jobs_open on compliance_report_jobs (lease_until) where status in ('PENDING', 'RUNNING');
create index compliance_report_jobs_newest on compliance_report_jobs (tenant_id, requested_at desc);
