-- SCIM 2.0 provisioning (issue 15; docs/security.md, "SCIM provisioning"). The account itself stays
-- the users table's; these rows keep what SCIM says beyond it (externalId, the name's other parts,
-- every address and number as sent, the enterprise extension) and the groups that map to roles.

create table scim_users (
    tenant_id   uuid        not null,
    user_id     uuid        not null,
    external_id text,
    attributes  jsonb       not null default '{}',
    -- RFC 7644 §3.6: deleted through SCIM, but kept (disabled) for its history; SCIM answers 404 for it.
    removed     boolean     not null default false,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    primary key (tenant_id, user_id),
    foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
);

create table scim_groups (
    tenant_id    uuid        not null references tenants (id),
    id           uuid        not null,
    display_name text        not null,
    external_id  text,
    -- false: the group gives the role named as the group (by key or name); true: exactly scim_group_roles.
    roles_set    boolean     not null default false,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    primary key (tenant_id, id)
);
-- RFC 7643 §4.2: displayName is the group's name; one group per name, ignoring case.
create unique index scim_groups_by_name on scim_groups (tenant_id, lower(display_name));

create table scim_group_members (
    tenant_id uuid not null,
    group_id  uuid not null,
    user_id   uuid not null,
    primary key (tenant_id, group_id, user_id),
    foreign key (tenant_id, group_id) references scim_groups (tenant_id, id) on delete cascade,
    foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
);
create index scim_group_members_by_user on scim_group_members (tenant_id, user_id);

create table scim_group_roles (
    tenant_id   uuid    not null,
    group_id    uuid    not null,
    position    integer not null,
    role_key    text    not null,
    location_id uuid,
    primary key (tenant_id, group_id, position),
    foreign key (tenant_id, group_id) references scim_groups (tenant_id, id) on delete cascade,
    foreign key (tenant_id, role_key) references roles (tenant_id, key) on delete cascade,
    foreign key (tenant_id, location_id) references locations (tenant_id, id) on delete cascade
);

-- Assignments a SCIM group gives carry source SCIM; only those are ever removed by SCIM. The check
-- is widened in place, keeping whatever sources other migrations added to it.
do $$
declare
    definition text;
begin
    select pg_get_constraintdef(oid) into definition
    from pg_constraint where conrelid = 'assignments'::regclass and conname = 'assignments_source_check';
    if definition is not null and position('''SCIM''' in definition) = 0 then
        alter table assignments drop constraint assignments_source_check;
        execute 'alter table assignments add constraint assignments_source_check '
                || replace(definition, 'ARRAY[', 'ARRAY[''SCIM''::text, ');
    end if;
end $$;
