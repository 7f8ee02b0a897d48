-- Issue 16, "one person in several organisations" (docs/organisations.md): a membership is a row of
-- tenant B's users linked to the person's home account in tenant A. The member row holds B's roles
-- like any user of B; it never holds a password (it signs in at home), and the link never points into
-- its own tenant. Composite like every cross-row reference (docs/style.md rule 6). A home account
-- deleted in code ends its memberships with an event in each tenant (users.MemberAccounts); the
-- cascade is for rows removed otherwise (a whole tenant's deletion).
alter table users
    add column home_tenant_id uuid,
    add column home_user_id   uuid,
    add constraint users_home foreign key (home_tenant_id, home_user_id)
        references users (tenant_id, id) on delete cascade,
    add constraint users_home_whole check ((home_tenant_id is null) = (home_user_id is null)),
    add constraint users_home_elsewhere check (home_tenant_id is distinct from tenant_id),
    add constraint users_member_without_password check (home_tenant_id is null or password_hash is null);

-- One membership per person and tenant; the person's memberships, found from home.
create unique index users_one_membership on users (tenant_id, home_tenant_id, home_user_id)
    where home_tenant_id is not null;
create index users_memberships_of on users (home_tenant_id, home_user_id) where home_tenant_id is not null;

-- A session of a member row is opened from a session of the home account, which it never outlives:
-- the session lookup requires the home session live, its account active and its tenant active.
alter table sessions
    add column home_tenant_id  uuid,
    add column home_session_id uuid,
    add constraint sessions_home foreign key (home_tenant_id, home_session_id)
        references sessions (tenant_id, id) on delete cascade,
    add constraint sessions_home_whole check ((home_tenant_id is null) = (home_session_id is null)),
    add constraint sessions_home_elsewhere check (home_tenant_id is distinct from tenant_id);
create index sessions_from_home on sessions (home_tenant_id, home_session_id) where home_session_id is not null;
