-- Issue 16: the home page's account cards (users.AccountsAttention) count at most 10,001 rows each,
-- and these partial indexes let each count read only the rows it counts instead of the whole roster
-- (docs/benchmarks.md, "Home page account cards"). Locked accounts and invitations are few; the
-- dormant count reads the active people's last sign-in (or creation) in order, up to its bound.
create index users_invited on users (tenant_id) where status = 'INVITED' and not hidden;
create index users_locked on users (tenant_id, locked_until)
    where (status = 'LOCKED' or locked_until is not null) and not hidden;
create index users_idle_since on users (tenant_id, (coalesce(last_sign_in_at, created_at)))
    where status = 'ACTIVE' and kind = 'HUMAN' and not hidden;
