-- Issue 12: a service account (kind SERVICE) is an identity for an application, never a person at
-- a sign-in page. It has no password, no second factor and no required actions, and it is never
-- waiting on an invitation. Until now a service account was a password user like any other, so the
-- ones that exist lose what the rule forbids: every session they opened with a password ends, every
-- link and second factor goes, and an invited one is active (it has nothing left to accept).
update sessions s set ended_at = now(), end_reason = 'SERVICE_ACCOUNT'
from users u
where u.tenant_id = s.tenant_id and u.id = s.user_id and u.kind = 'SERVICE' and s.ended_at is null;

update user_tokens t set revoked_at = now()
from users u
where u.tenant_id = t.tenant_id and u.id = t.user_id and u.kind = 'SERVICE'
  and t.used_at is null and t.revoked_at is null;

delete from mfa_challenges c using users u
where u.tenant_id = c.tenant_id and u.id = c.user_id and u.kind = 'SERVICE';
delete from mfa_recovery_codes r using users u
where u.tenant_id = r.tenant_id and u.id = r.user_id and u.kind = 'SERVICE';
delete from mfa_totp m using users u
where u.tenant_id = m.tenant_id and u.id = m.user_id and u.kind = 'SERVICE';

update users set password_hash = null, required_actions = '{}', failed_logins = 0, locked_until = null,
    status = case when status = 'INVITED' then 'ACTIVE' else status end, updated_at = now()
where kind = 'SERVICE';

-- The database keeps the rule whatever the code does: a service account can never be given a
-- password or a required action, nor be put back to waiting on an invitation.
alter table users add constraint users_service_account_signs_in_never
    check (kind = 'HUMAN' or (password_hash is null and cardinality(required_actions) = 0 and status <> 'INVITED'));
