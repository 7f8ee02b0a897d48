-- Device awareness (issue 15; seed 000 "re-auth on new device", "session binding", "Suspicious IP
-- alerts", "Device fingerprinting"). A device is the browser's device cookie or an API client's
-- X-Gatehouse-Device header, stored only as a hash; a client that sends neither is known by its
-- coarse fingerprint (browser family and system) alone. Rows are per user: the same browser is two
-- unrelated rows for two users, so no row links the accounts one browser signed in to.
create table known_devices (
    tenant_id       uuid        not null,
    id              uuid        not null,
    user_id         uuid        not null,
    -- sha-256 of "id:" + the device id, or of "fingerprint:" + the label for a client without one
    device_hash     bytea       not null,
    -- whether the device carried an id (cookie or header); only those may bind a session
    identified      boolean     not null,
    label           text        not null,
    first_seen_at   timestamptz not null,
    last_seen_at    timestamptz not null,
    last_ip         text,
    primary key (tenant_id, id),
    unique (tenant_id, user_id, device_hash),
    foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
);

-- Networks a user signed in from (IPv4 /24, IPv6 /48), for "a network not seen in N days".
create table known_networks (
    tenant_id       uuid        not null,
    user_id         uuid        not null,
    network         text        not null,
    first_seen_at   timestamptz not null,
    last_seen_at    timestamptz not null,
    primary key (tenant_id, user_id, network),
    foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
);

-- When "New sign-in to your account" was mailed, so that a flood of sign-ins mails a few times only.
create table device_alert_mails (
    tenant_id       uuid        not null,
    user_id         uuid        not null,
    sent_at         timestamptz not null,
    foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
);
create index device_alert_mails_by_user on device_alert_mails (tenant_id, user_id, sent_at);

-- The device a session was opened on; bound sessions (sessionPolicy.bindToDevice) must keep showing it.
alter table sessions add column device_hash bytea;
alter table sessions add column device_identified boolean not null default false;
create index sessions_by_device on sessions (tenant_id, user_id, device_hash) where ended_at is null;
