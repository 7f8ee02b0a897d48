-- Gatehouse core schema. Every tenant-owned table carries tenant_id, and every reference to a
-- tenant-owned row is a composite foreign key (tenant_id, x_id): no row can point into another
-- tenant (docs/style.md rule 6).

create table tenants (
    id          uuid        primary key,
    slug        text        not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
    name        text        not null,
    pack        text        not null,
    parent_id   uuid        references tenants (id),
    status      text        not null default 'ACTIVE' check (status in ('ACTIVE', 'SUSPENDED')),
    settings    jsonb       not null default '{}'::jsonb,
    created_at  timestamptz not null default now()
);

create table locations (
    tenant_id   uuid        not null references tenants (id),
    id          uuid        not null,
    name        text        not null,
    parent_id   uuid,
    created_at  timestamptz not null default now(),
    primary key (tenant_id, id),
    foreign key (tenant_id, parent_id) references locations (tenant_id, id)
);
create unique index locations_sibling_name on locations (tenant_id, coalesce(parent_id, '00000000-0000-0000-0000-000000000000'::uuid), lower(name));

create table users (
    tenant_id           uuid        not null references tenants (id),
    id                  uuid        not null,
    username            text        not null,
    username_normalized text        not null,
    email               text,
    email_normalized    text,
    first_name          text        not null,
    last_name           text        not null,
    phone               text,
    kind                text        not null default 'HUMAN' check (kind in ('HUMAN', 'SERVICE')),
    status              text        not null check (status in ('INVITED', 'ACTIVE', 'DISABLED', 'LOCKED')),
    hidden              boolean     not null default false,
    password_hash       text,
    required_actions    text[]      not null default '{}',
    failed_logins       integer     not null default 0,
    locked_until        timestamptz,
    -- clinical profile (seed 004)
    npi                 text,
    dea                 text,
    state_license       text,
    primary_license     text,
    secondary_license   text,
    nadean              text,
    credentials         text[]      not null default '{}',
    specialties         text[]      not null default '{}',
    bio                 text,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now(),
    primary key (tenant_id, id),
    unique (tenant_id, username_normalized)
);
-- seed 003: users without e-mail; an e-mail, when present, is unique in the tenant.
create unique index users_email_unique on users (tenant_id, email_normalized) where email_normalized is not null;

create table permissions (
    tenant_id   uuid not null references tenants (id),
    key         text not null,
    description text not null default '',
    kind        text not null check (kind in ('FUNCTIONAL', 'WIDGET', 'PAGE')),
    source      text not null check (source in ('PACK', 'APPLICATION')),
    primary key (tenant_id, key)
);

create table roles (
    tenant_id   uuid        not null references tenants (id),
    key         text        not null,
    name        text        not null,
    description text        not null default '',
    built_in    boolean     not null,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    primary key (tenant_id, key)
);

create table role_parents (
    tenant_id   uuid not null,
    role_key    text not null,
    parent_key  text not null,
    position    integer not null,
    primary key (tenant_id, role_key, parent_key),
    foreign key (tenant_id, role_key) references roles (tenant_id, key) on delete cascade,
    foreign key (tenant_id, parent_key) references roles (tenant_id, key)
);

create table role_grants (
    tenant_id   uuid    not null,
    role_key    text    not null,
    position    integer not null,
    permission  text    not null,
    scope       text    not null check (scope in ('OWN', 'ASSIGNED', 'LOCATION', 'TENANT')),
    condition   text,
    primary key (tenant_id, role_key, position),
    foreign key (tenant_id, role_key) references roles (tenant_id, key) on delete cascade
);

create table assignments (
    tenant_id   uuid        not null,
    id          uuid        not null,
    user_id     uuid        not null,
    role_key    text        not null,
    location_id uuid,
    starts_at   timestamptz,
    expires_at  timestamptz,
    source      text        not null check (source in ('DIRECT', 'INVITE', 'SSO', 'DELEGATION', 'ELEVATION', 'BREAK_GLASS', 'SYSTEM')),
    granted_by  uuid,
    created_at  timestamptz not null default now(),
    primary key (tenant_id, id),
    foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade,
    foreign key (tenant_id, role_key) references roles (tenant_id, key),
    foreign key (tenant_id, location_id) references locations (tenant_id, id),
    check (starts_at is null or expires_at is null or expires_at > starts_at)
);
create index assignments_by_user on assignments (tenant_id, user_id);
create index assignments_by_role on assignments (tenant_id, role_key);

create table sessions (
    tenant_id       uuid        not null,
    id              uuid        not null,
    user_id         uuid        not null,
    token_hash      bytea       not null unique,
    created_at      timestamptz not null default now(),
    last_seen_at    timestamptz not null default now(),
    expires_at      timestamptz not null,
    ended_at        timestamptz,
    end_reason      text,
    ip              text,
    user_agent      text,
    primary key (tenant_id, id),
    foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
);
create index sessions_by_user on sessions (tenant_id, user_id) where ended_at is null;

-- A minimal audit writer for now; the hash chain, search and export are their own issue.
create table audit_events (
    tenant_id       uuid        not null references tenants (id),
    seq             bigint      not null,
    at              timestamptz not null default now(),
    action          text        not null,
    actor_id        uuid,
    actor_username  text,
    actor_roles     text[]      not null default '{}',
    target_type     text,
    target_id       text,
    target_name     text,
    ip              text,
    user_agent      text,
    details         jsonb       not null default '{}'::jsonb,
    primary key (tenant_id, seq)
);
create index audit_by_action on audit_events (tenant_id, action, seq);

-- The next audit sequence number per tenant; the row lock serialises a tenant's appends.
create table audit_sequences (
    tenant_id   uuid   primary key references tenants (id),
    last_seq    bigint not null default 0
);

-- One-use tokens e-mailed or handed to a user: invitations and password resets. Only the hash of
-- the token is stored; a new one of the same purpose revokes the previous.
create table user_tokens (
    tenant_id   uuid        not null,
    id          uuid        not null,
    user_id     uuid        not null,
    purpose     text        not null check (purpose in ('INVITATION', 'PASSWORD_RESET')),
    token_hash  bytea       not null unique,
    created_at  timestamptz not null default now(),
    expires_at  timestamptz not null,
    used_at     timestamptz,
    revoked_at  timestamptz,
    primary key (tenant_id, id),
    foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
);
create index user_tokens_by_user on user_tokens (tenant_id, user_id, purpose) where used_at is null and revoked_at is null;
