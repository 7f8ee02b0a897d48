-- An impersonation lives inside the operator's own session (docs/security.md, "Impersonation and
-- break-glass"): it names the session it was opened from, and ends when that session ends however
-- it ends (signed out, ended from the session list, expired, the operator locked), not when any
-- other session of the operator signs out. Rows from before this name none and keep the old rule:
-- they end with any sign-out of their operator, or at their own expiry.
alter table sessions add column impersonator_session_id uuid;

-- The sweep looks for open impersonations whose operator session has ended.
create index sessions_open_impersonations_by_operator_session on sessions (impersonator_session_id)
    where impersonator_session_id is not null and ended_at is null;
