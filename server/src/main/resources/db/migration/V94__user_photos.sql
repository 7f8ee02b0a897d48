-- seed 000, "Creating a Provider": a profile photo per user. Its own table, not columns on users, so
-- that reading a user (lists, every sign-in) never drags up to 512 KB of image along; it lives and
-- dies with its user row (and so with the tenant key) through the composite foreign key.
create table user_photos (
    tenant_id    uuid        not null,
    user_id      uuid        not null,
    content_type text        not null check (content_type in ('image/png', 'image/jpeg')),
    bytes        bytea       not null,
    updated_at   timestamptz not null,
    primary key (tenant_id, user_id),
    foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
);
