-- Issue 16: the approvers' mail about registrations and role requests waiting in the approval queue.
-- One row per tenant: when its approvers were last mailed, and whether requests came in since. A flood
-- of sign-ups makes at most one mail per interval (gatehouse.signup.approver-mail-interval).
create table approval_notices (
    tenant_id    uuid        primary key references tenants (id) on delete cascade,
    last_sent_at timestamptz,
    due          boolean     not null default false
);
