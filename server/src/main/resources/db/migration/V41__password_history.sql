-- Password policy (issue 4): when each password was set, for maxAgeDays (seed 000), and the
-- Argon2 hashes of the recent ones, for historyCount. Only hashes are kept, never passwords,
-- and at most 24 per user (the largest historyCount a tenant may set).
alter table users add column password_changed_at timestamptz not null default now();

create table password_history (
    tenant_id     uuid        not null,
    user_id       uuid        not null,
    id            uuid        not null,
    password_hash text        not null,
    created_at    timestamptz not null,
    primary key (tenant_id, id),
    foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
);
create index password_history_by_user on password_history (tenant_id, user_id, created_at desc);
