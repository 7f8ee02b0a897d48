-- LDAP / Active Directory sync (issue 15; docs/security.md, "Directory sync (LDAP / Active Directory)").
-- Owned by the ldap package.

-- Each directory entry a sync has seen, as last seen: which account it is, whether the directory had
-- it active, and a fingerprint of what the sync read (so a run can say updated or unchanged). A
-- person missing from the next complete read is disabled here (never deleted); LDAP password
-- sign-in binds only as the entry linked to the account signing in.
create table ldap_entries (
    tenant_id    uuid        not null,
    provider_id  uuid        not null,
    -- AD's objectGUID, else entryUUID (RFC 4530), else 'dn:' and the normalised DN
    subject      text        not null,
    user_id      uuid        not null,
    dn           text        not null,
    -- the directory's own username value, which sign-in searches by
    username     text,
    fingerprint  text        not null,
    active       boolean     not null,
    seen_at      timestamptz not null,
    primary key (tenant_id, provider_id, subject),
    foreign key (tenant_id, provider_id) references identity_providers (tenant_id, id) on delete cascade,
    foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
);
create index ldap_entries_of_user on ldap_entries (tenant_id, user_id);

-- Every sync, scheduled or on demand: when, how it ended, what it changed. The unfinished row is the
-- lease: one sync of a provider at a time on every node (a partial unique index, so two nodes that
-- start together cannot both insert one); a lease older than gatehouse.ldap.sync-lease is taken over.
create table ldap_sync_runs (
    tenant_id    uuid        not null,
    id           uuid        not null,
    provider_id  uuid        not null,
    trigger      text        not null check (trigger in ('MANUAL', 'SCHEDULED')),
    started_by   uuid,
    started_at   timestamptz not null,
    finished_at  timestamptz,
    outcome      text check (outcome in ('COMPLETED', 'FAILED')),
    created      integer     not null default 0,
    updated      integer     not null default 0,
    disabled     integer     not null default 0,
    unchanged    integer     not null default 0,
    skipped      integer     not null default 0,
    errors       integer     not null default 0,
    -- why a run failed, in words for the admin, and the setting to look at
    message      text,
    field        text,
    -- up to twenty entries that could not be synced: [{dn, message}]
    failures     jsonb       not null default '[]',
    primary key (tenant_id, id),
    foreign key (tenant_id, provider_id) references identity_providers (tenant_id, id) on delete cascade,
    check ((finished_at is null) = (outcome is null))
);
create unique index ldap_sync_runs_one_running on ldap_sync_runs (tenant_id, provider_id) where finished_at is null;
create index ldap_sync_runs_of_provider on ldap_sync_runs (tenant_id, provider_id, started_at desc);
