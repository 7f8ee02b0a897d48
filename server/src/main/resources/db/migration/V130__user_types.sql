-- Issue 16, seed 003: user types ("Super Admin", "Agent", "Account User", ...) are a tenant-defined
-- attribute of a user. A type grants base roles (assignments with source USER_TYPE, which only a
-- type change removes) and makes its users eligible as agents of the listed features.
create table user_types (
    tenant_id   uuid        not null references tenants (id) on delete cascade,
    key         text        not null check (key ~ '^[a-z][a-z0-9_-]{0,63}$'),
    name        text        not null,
    base_roles  text[]      not null default '{}',
    agent_types text[]      not null default '{}',
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    primary key (tenant_id, key)
);

-- A type in use cannot go away under its users: deleting it is refused (409) until nobody has it.
alter table users add column user_type text;
alter table users add constraint users_user_type_fk foreign key (tenant_id, user_type)
    references user_types (tenant_id, key);
create index users_user_type on users (tenant_id, user_type) where user_type is not null;

-- The source check is widened in place, keeping whatever sources other migrations added to it.
do $$
declare
    definition text;
begin
    select pg_get_constraintdef(oid) into definition
    from pg_constraint where conrelid = 'assignments'::regclass and conname = 'assignments_source_check';
    if definition is not null and position('''USER_TYPE''' in definition) = 0 then
        alter table assignments drop constraint assignments_source_check;
        execute 'alter table assignments add constraint assignments_source_check '
                || replace(definition, 'ARRAY[', 'ARRAY[''USER_TYPE''::text, ');
    end if;
end $$;
