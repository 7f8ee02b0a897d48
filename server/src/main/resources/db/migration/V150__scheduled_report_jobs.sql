-- Issue 16: a monthly schedule's report is a background job (compliance.MonthlyReports enqueues it,
-- compliance.ReportJobRunner generates it and queues its mails in the transaction that makes it READY).
-- schedule_id and schedule_period (the first day of the month it covers) name the schedule's period;
-- the unique index makes a period's job exist at most once, whichever node or run enqueues it.
alter table compliance_report_jobs add column schedule_id uuid, add column schedule_period date,
    add constraint compliance_report_jobs_schedule_whole check ((schedule_id is null) = (schedule_period is null));
create unique index compliance_report_jobs_one_per_period on compliance_report_jobs (tenant_id, schedule_id, schedule_period)
    where schedule_id is not null;

