-- Issue 14: every announcement of a change that can alter decisions (access.AccessChanges), numbered by
-- one increasing version, written in the transaction of the change. The change stream
-- (GET /api/v1/tenants/{tenant}/changes) replays a tenant's rows after the version a client last saw;
-- docs/changes.md. Pruned to a window (gatehouse.changes.retention), keeping each tenant's newest row so
-- that its newest version is always known.
create table access_change_log (
    version     bigserial   primary key,
    tenant_id   uuid        not null references tenants (id) on delete cascade,
    kind        text        not null check (kind in ('POLICY', 'SUBJECT', 'RELATIONS')),
    user_id     uuid,
    recorded_at timestamptz not null default clock_timestamp(),
    check ((kind = 'POLICY') = (user_id is null))
);

-- A tenant's changes after a version, and its newest.
create index access_change_log_by_tenant on access_change_log (tenant_id, version);
-- The prune's sweep by age.
create index access_change_log_by_age on access_change_log (recorded_at);

-- The highest version the prune has removed: a client asking for changes after an older version may
-- have missed some, and is told to reload (event reset). One row.
create table access_change_log_pruned (
    one_row boolean primary key default true check (one_row),
    through bigint  not null
);
insert into access_change_log_pruned (through) values (0);
