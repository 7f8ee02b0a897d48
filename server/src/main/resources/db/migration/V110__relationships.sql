-- Relationships and care teams (issue 13; docs/access-model.md, "Relationship"; docs/api.md,
-- "Relationships, care teams, conditions, fields"). Owned by the relationships package.

-- Care teams (seed 004): a named group of clinicians, optionally at a location, separate from roles.
-- Members and the patients a team cares for are relationships (below), not columns: the engine reads
-- both the same way. The location is not a foreign key: a location may be deleted while a team names
-- it (tenancy does not know teams); the team is then only reachable tenant-wide.
create table care_teams (
    tenant_id    uuid        not null references tenants (id),
    id           uuid        not null,
    name         text        not null,
    location_id  uuid,
    created_at   timestamptz not null,
    updated_at   timestamptz not null,
    primary key (tenant_id, id)
);
create unique index care_teams_name on care_teams (tenant_id, lower(name));

-- Stored tuples "subject relation object" with an optional expiry: user:9 assigned_provider
-- patient:123, user:12 shared_with patient:123, user:9 member careteam:5, careteam:5 care_team
-- patient:123. A subject is a user or a care team of the tenant, each a column of its own so that
-- deleting the user or the team deletes its tuples (composite keys: never into another tenant).
-- Objects are the applications' own ids, so they are text; a member tuple's team is also kept in
-- object_team, for the same cascade. Written once per (subject, relation, object): writing again
-- replaces the expiry (relationships.Relationships).
create table relationships (
    tenant_id     uuid        not null references tenants (id),
    id            uuid        not null,
    subject_user  uuid,
    subject_team  uuid,
    relation      text        not null,
    object_type   text        not null,
    object_id     text        not null,
    object_team   uuid,
    expires_at    timestamptz,
    created_at    timestamptz not null,
    created_by    uuid,
    primary key (tenant_id, id),
    foreign key (tenant_id, subject_user) references users (tenant_id, id) on delete cascade,
    foreign key (tenant_id, subject_team) references care_teams (tenant_id, id) on delete cascade,
    foreign key (tenant_id, object_team) references care_teams (tenant_id, id) on delete cascade,
    check ((subject_user is null) <> (subject_team is null)),
    check ((object_team is not null) = (object_type = 'careteam'))
);
-- One tuple per fact, and the per-subject load (a user's own tuples, a team's patients) is an index range.
create unique index relationships_of_user on relationships (tenant_id, subject_user, relation, object_type, object_id)
    where subject_user is not null;
create unique index relationships_of_team on relationships (tenant_id, subject_team, relation, object_type, object_id)
    where subject_team is not null;
-- Who is related to an object (list filter object=), and a team's members.
create index relationships_by_object on relationships (tenant_id, object_type, object_id);

-- The permissions of relationships and care teams (role packs); tenants created before the packs
-- carried them get them here beside access.check. Admin roles hold them through '*'.
insert into permissions (tenant_id, key, description, kind, source)
select p.tenant_id, k.key, k.description, 'FUNCTIONAL', 'PACK'
from permissions p
cross join (values
    ('relationships.read', 'View stored relationships: assigned providers, care-team patients, shares'),
    ('relationships.write', 'Write and delete relationships: assign a provider, share a patient (for applications)'),
    ('care_teams.read', 'View care teams, their members and patients'),
    ('care_teams.create', 'Create care teams'),
    ('care_teams.edit', 'Rename care teams, add and remove members, reassign a leaver''s patients'),
    ('care_teams.delete', 'Delete care teams')
) as k (key, description)
where p.key = 'access.check' and p.source = 'PACK'
on conflict (tenant_id, key) do nothing;
