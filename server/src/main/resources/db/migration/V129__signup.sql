-- Issue 16 (signup): domain mappings and the approval queue of self-registrations and role requests.

-- A tenant's domain mapping: an e-mail matching pattern (exact 'clinic.org' or '*.clinic.org', stored
-- lower case) lands in target_tenant_id (the tenant itself or one of its children) with default_role
-- (null: the target pack's default role) at target_location_id, at once (AUTOMATIC) or through the
-- approval queue (APPROVAL). Priority orders a tenant's overlapping mappings, higher first.
create table domain_mappings (
    tenant_id          uuid        not null references tenants (id) on delete cascade,
    id                 uuid        not null,
    pattern            text        not null,
    priority           integer     not null,
    target_tenant_id   uuid        not null references tenants (id) on delete cascade,
    target_location_id uuid,
    default_role       text,
    mode               text        not null check (mode in ('AUTOMATIC', 'APPROVAL')),
    created_at         timestamptz not null,
    updated_at         timestamptz not null,
    primary key (tenant_id, id),
    unique (tenant_id, pattern),
    foreign key (target_tenant_id, target_location_id) references locations (tenant_id, id) on delete cascade
);
create index domain_mappings_by_pattern on domain_mappings (pattern);

-- What waits for an admin of tenant_id: a self-registration (kind REGISTRATION: the applicant's
-- fields; no account exists until approved) or a member's request for a requestable role (kind ROLE:
-- user_id asks for role_key, with a note).
create table signup_requests (
    tenant_id     uuid        not null references tenants (id) on delete cascade,
    id            uuid        not null,
    kind          text        not null check (kind in ('REGISTRATION', 'ROLE')),
    status        text        not null check (status in ('PENDING', 'APPROVED', 'REJECTED')),
    email         text,
    username      text,
    first_name    text,
    last_name     text,
    user_id       uuid,
    role_key      text        not null,
    location_id   uuid,
    note          text,
    via           text        not null,
    created_at    timestamptz not null,
    decided_by    uuid,
    decided_at    timestamptz,
    decision_note text,
    primary key (tenant_id, id),
    foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
);
create unique index signup_requests_one_pending_registration on signup_requests (tenant_id, lower(email))
    where status = 'PENDING' and kind = 'REGISTRATION';
create unique index signup_requests_one_pending_role on signup_requests (tenant_id, user_id, role_key)
    where status = 'PENDING' and kind = 'ROLE';
create index signup_requests_pending on signup_requests (tenant_id, created_at) where status = 'PENDING';

-- The two permissions reach tenants created before the packs carried them; admin roles hold them through '*'.
insert into permissions (tenant_id, key, description, kind, source)
select tenant_id, p.key, p.description, 'FUNCTIONAL', 'PACK'
from permissions
cross join (values
    ('domain-mappings.manage', 'Map e-mail domains (exact or *.domain) to this organization or its children, with the'
        || ' role newcomers get and whether an admin approves them'),
    ('registrations.approve', 'Approve or reject self-registrations waiting for approval and members'' requests for a'
        || ' requestable role')
) as p (key, description)
where permissions.key = 'clients.manage' and permissions.source = 'PACK'
on conflict do nothing;
