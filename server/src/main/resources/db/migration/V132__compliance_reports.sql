-- Issue 16 (compliance package): generated compliance reports and their monthly schedules.

-- One generated report: what it covers, where it stands in the trail (through_seq, through_hash:
-- the last event it read, so it can be checked against the hash chain), its SHA-256 and the file.
-- The file is kept as generated: the report an auditor received is the one on record.
create table compliance_reports (
    tenant_id     uuid        not null references tenants (id) on delete cascade,
    id            uuid        not null,
    type          text        not null check (type in ('HIPAA_ACCESS', 'USER_ACCESS', 'SIGN_IN_SECURITY')),
    format        text        not null check (format in ('CSV', 'PDF')),
    period_from   date,
    period_to     date,
    as_of         date,
    rows          bigint      not null,
    through_seq   bigint      not null,
    through_hash  text,
    sha256        text        not null,
    size          bigint      not null,
    generated_at  timestamptz not null,
    generated_by  uuid,
    generated_by_name text    not null,
    schedule_id   uuid,
    content       bytea       not null,
    primary key (tenant_id, id),
    check ((as_of is null) = (period_from is not null) and (period_from is null) = (period_to is null))
);
-- Downloads read the file in slices (substring): stored uncompressed, a slice reads only its chunks.
alter table compliance_reports alter column content set storage external;
create index compliance_reports_newest on compliance_reports (tenant_id, generated_at desc);

-- A monthly report: on day_of_month (1-28, every month has it) the previous calendar month's report
-- is generated and its recipients, users of the tenant who may read reports, get a sign-in link.
-- last_period: the first day of the last month generated, so a month is generated once.
create table compliance_schedules (
    tenant_id     uuid        not null references tenants (id) on delete cascade,
    id            uuid        not null,
    type          text        not null check (type in ('HIPAA_ACCESS', 'USER_ACCESS', 'SIGN_IN_SECURITY')),
    format        text        not null check (format in ('CSV', 'PDF')),
    day_of_month  int         not null check (day_of_month between 1 and 28),
    recipients    uuid[]      not null,
    created_by    uuid,
    created_at    timestamptz not null,
    last_period   date,
    primary key (tenant_id, id)
);
