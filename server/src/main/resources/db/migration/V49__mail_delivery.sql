-- The worker gives up on a message after its last attempt but keeps it: failed_at marks it for the
-- operators reading the outbox, and the due index leaves it out.
alter table mail_outbox add column failed_at timestamptz;

drop index mail_outbox_due;
create index mail_outbox_due on mail_outbox (next_attempt_at) where sent_at is null and failed_at is null;
