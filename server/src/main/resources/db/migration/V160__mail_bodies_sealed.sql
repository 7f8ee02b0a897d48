-- A queued message's text is written sealed with the server's key (mail.MailBodies: AES-256-GCM under
-- GATEHOUSE_SECRET_KEY, its purpose naming the message and its recipient), never in clear: invitation,
-- reset and break-glass mails carry a live one-use link, and a copy of the database or a backup must not
-- hand it over. Once a message is sent its text is dropped; a failed one keeps it, to be tried again.
alter table mail_outbox add column body_sealed bytea;

-- The clear column stays, nullable, for the rows written before: SQL cannot seal. A sent row's text is
-- dropped here; a pending or failed one is sealed by the outbox worker of the first node that polls
-- (OutboxWorker.sealClearBodies, found through the index below), and until then is sent as it is.
alter table mail_outbox alter column body drop not null;
update mail_outbox set body = null where sent_at is not null;
create index mail_outbox_clear on mail_outbox (created_at) where body is not null;

-- A message not yet sent always has its text, one way or the other.
alter table mail_outbox add constraint mail_outbox_text
    check (sent_at is not null or body_sealed is not null or body is not null);
