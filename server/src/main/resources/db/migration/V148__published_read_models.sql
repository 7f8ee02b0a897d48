-- Read models a table's owner publishes for other features' single statements (docs/style.md rule 16,
-- TableOwnershipTest). The session lookup runs on every request the session cache does not answer, in
-- one query: besides the session it reads its user's state and its tenant's status, and authentication
-- may depend on neither users nor tenancy (they depend on it). Each feature publishes here the columns
-- the others may read; PostgreSQL inlines a plain view into the statement that reads it, so the lookup
-- stays one query with the same plan. Others only read these views: writes and row locks go through the
-- owner's repository (users.CredentialStore, tenancy.Tenants).

-- Published by users: an account's state, as a session sees it.
create view user_states as
    select tenant_id, id, username, status, expires_at, required_actions
    from users;

-- Published by tenancy: a tenant's slug and status.
create view tenant_states as
    select id, slug, status
    from tenants;
