-- What users consented to give the tenants' third-party OAuth clients (issue 12): kept, so a user is
-- not asked again after a restart or by another node; gone with the client or the user.
create table oidc_consents (
    tenant_id      uuid        not null,
    client_row_id  uuid        not null,
    user_id        uuid        not null,
    scopes         text[]      not null,
    granted_at     timestamptz not null,
    primary key (tenant_id, client_row_id, user_id),
    foreign key (tenant_id, client_row_id) references oidc_clients (tenant_id, id) on delete cascade,
    foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
);
