-- Temporary access (issue 13; docs/api.md, "Temporary access"): roles lent by their holder
-- ("Acting Manager", seed 000) and elevations asked for and approved by someone else (separation of
-- duties, seed 000). Both are owned by temporaryaccess; the access they give is an ordinary row of
-- assignments (source DELEGATION or ELEVATION), made through access.Assignments, which these rows
-- point at while it exists.

-- A delegation's assignment has granted_by = the lender: the engine compiles it only while the
-- lender, active, holds the role standing at that location or above (docs/engine.md, "Delegation").
create table delegations (
    tenant_id     uuid        not null references tenants (id),
    id            uuid        not null,
    from_user     uuid        not null,
    to_user       uuid        not null,
    role_key      text        not null,
    location_id   uuid,
    starts_at     timestamptz,
    expires_at    timestamptz not null,
    reason        text        not null,
    assignment_id uuid,
    created_by    uuid        not null,
    created_at    timestamptz not null,
    ended_at      timestamptz,
    ended_by      uuid,
    primary key (tenant_id, id),
    foreign key (tenant_id, from_user) references users (tenant_id, id) on delete cascade,
    foreign key (tenant_id, to_user) references users (tenant_id, id) on delete cascade,
    check (from_user <> to_user),
    check (starts_at is null or expires_at > starts_at)
);
create index delegations_by_from on delegations (tenant_id, from_user, created_at);
create index delegations_by_to on delegations (tenant_id, to_user, created_at);

-- An elevation request: PENDING until approved or denied (or EXPIRED when nobody decided in time);
-- an approval makes an ELEVATION assignment for `minutes`; a one-time one becomes USED, and its
-- assignment is deleted, by the first allowed check through it, exactly once across nodes
-- (the status update is the arbiter).
create table elevation_requests (
    tenant_id     uuid        not null references tenants (id),
    id            uuid        not null,
    requester     uuid        not null,
    role_key      text        not null,
    location_id   uuid,
    reason        text        not null,
    minutes       integer     not null check (minutes > 0),
    one_time      boolean     not null,
    status        text        not null check (status in ('PENDING', 'APPROVED', 'DENIED', 'EXPIRED', 'USED')),
    created_at    timestamptz not null,
    pending_until timestamptz not null,
    decided_by    uuid,
    decided_at    timestamptz,
    note          text,
    assignment_id uuid,
    expires_at    timestamptz,
    used_at       timestamptz,
    primary key (tenant_id, id),
    foreign key (tenant_id, requester) references users (tenant_id, id) on delete cascade,
    check (status = 'PENDING' or decided_at is not null or status = 'EXPIRED')
);
create index elevation_requests_by_requester on elevation_requests (tenant_id, requester, created_at);
create index elevation_requests_by_status on elevation_requests (tenant_id, status, created_at);
create unique index elevation_requests_by_assignment on elevation_requests (tenant_id, assignment_id)
    where assignment_id is not null;

-- Tenants made before the packs carried them get the two permissions in their catalog; admin roles
-- hold them through '*', other roles when an admin grants them (as V108 did for clients.manage).
insert into permissions (tenant_id, key, description, kind, source)
select tenant_id, 'elevation.request',
       'Ask for a role for a limited time with a reason; someone else who may give that role approves (separation of duties)',
       'FUNCTIONAL', 'PACK'
from permissions
where key = 'access.check' and source = 'PACK'
on conflict (tenant_id, key) do nothing;
insert into permissions (tenant_id, key, description, kind, source)
select tenant_id, 'roles.delegate',
       'Lend one of your own roles to a colleague for a limited time (acting role); it ends when you lose the role',
       'FUNCTIONAL', 'PACK'
from permissions
where key = 'access.check' and source = 'PACK'
on conflict (tenant_id, key) do nothing;
