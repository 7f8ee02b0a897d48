-- Issue 17: users publishes an account's temporary lockout in its read model (V148) too, so that access reads a
-- cold profile's subject — status, lockout, account end — with its assignments in one statement
-- (access.PolicyLoader; docs/benchmarks.md, "Branch cold17" and "Branch cold17b"): the engine denies a subject
-- while it is locked (docs/access-model.md, "the subject must be active"). A replaced view keeps its columns in
-- their order; the new one goes last.
create or replace view user_states as
    select tenant_id, id, username, status, expires_at, required_actions, locked_until
    from users;
