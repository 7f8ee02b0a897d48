-- Issue 13 (temporary access): account dates, the manager hierarchy and access reviews.

-- last_sign_in_at: every completed sign-in (authentication.SignIn), what the inactivity job measures.
-- expires_at: a contractor's account ends then (seed 000, time-bound access): no sign-in, no session,
-- key or token works, every check denies (the engine's subject carries it).
-- manager_id: seed 000 "Manager manages certain staff (approval chains)"; the same tenant by the
-- composite key; deleting the manager clears it, never the report.
alter table users
    add column last_sign_in_at timestamptz,
    add column expires_at      timestamptz,
    add column manager_id      uuid,
    add constraint users_manager_not_self check (manager_id is null or manager_id <> id),
    add constraint users_manager foreign key (tenant_id, manager_id) references users (tenant_id, id)
        on delete set null (manager_id);
create index users_by_manager on users (tenant_id, manager_id) where manager_id is not null;

-- Access review campaigns (seed 000 "Access review scheduling"). The scope and the reviewer are
-- kept as given; the items are a snapshot of the assignments in scope when the campaign opened.
create table access_reviews (
    tenant_id         uuid        not null references tenants (id),
    id                uuid        not null,
    name              text        not null,
    scope_locations   uuid[]      not null default '{}',
    scope_roles       text[]      not null default '{}',
    reviewer          text        not null,
    due_at            timestamptz not null,
    recurrence        text        check (recurrence in ('QUARTERLY')),
    default_decision  text        not null check (default_decision in ('KEEP', 'REVOKE')),
    status            text        not null check (status in ('OPEN', 'COMPLETED')),
    created_by        uuid,
    created_at        timestamptz not null,
    reminded_at       timestamptz,
    completed_at      timestamptz,
    previous_id       uuid,
    primary key (tenant_id, id),
    foreign key (tenant_id, previous_id) references access_reviews (tenant_id, id)
);
create index access_reviews_open on access_reviews (due_at) where status = 'OPEN';

-- One item per user × assignment in scope. The assignment is copied, not referenced: the report
-- must still say what was reviewed after a revocation removed it. reviewer_id null: any holder of
-- access_reviews.manage other than the user (their own assignments never go to them).
create table access_review_items (
    tenant_id      uuid        not null,
    review_id      uuid        not null,
    id             uuid        not null,
    user_id        uuid        not null,
    username       text        not null,
    assignment_id  uuid        not null,
    role_key       text        not null,
    location_id    uuid,
    starts_at      timestamptz,
    expires_at     timestamptz,
    source         text        not null,
    reviewer_id    uuid,
    decision       text        check (decision in ('KEEP', 'REVOKE')),
    decided_by     uuid,
    decided_at     timestamptz,
    defaulted      boolean     not null default false,
    note           text,
    outcome        text,
    primary key (tenant_id, id),
    foreign key (tenant_id, review_id) references access_reviews (tenant_id, id) on delete cascade
);
create index access_review_items_by_review on access_review_items (tenant_id, review_id, username, id);
create index access_review_items_by_reviewer on access_review_items (tenant_id, reviewer_id)
    where decision is null;

-- Running access reviews needs access_reviews.manage (every pack's catalog); tenants created before
-- the packs carried it get it here beside clients.manage; admin roles hold it through '*'.
insert into permissions (tenant_id, key, description, kind, source)
select tenant_id, 'access_reviews.manage',
       'Run access reviews: open campaigns over locations and roles, see every item and read the reports (issue 13)',
       'FUNCTIONAL', 'PACK'
from permissions
where key = 'clients.manage' and source = 'PACK'
on conflict (tenant_id, key) do nothing;
