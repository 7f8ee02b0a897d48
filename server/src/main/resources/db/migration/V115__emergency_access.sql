-- Clinical break-glass (issue 13; docs/api.md, "Temporary access"): a clinician's emergency access to
-- one resource, its time-boxed shared_with relationship, and its review. Owned by the emergencyaccess
-- package. The share itself lives in relationships (written through that package's API); this row
-- keeps its id to end it early, and the reason, window and review, which outlive the share.
create table emergency_access (
    tenant_id        uuid        not null references tenants (id),
    id               uuid        not null,
    user_id          uuid        not null,
    resource_type    text        not null,
    resource_id      text        not null,
    location_id      uuid,
    reason           text        not null,
    opened_at        timestamptz not null,
    expires_at       timestamptz not null,
    relationship_id  uuid        not null,
    ended_at         timestamptz,
    ended_by         uuid,
    review_outcome   text check (review_outcome in ('JUSTIFIED', 'NOT_JUSTIFIED')),
    review_note      text,
    reviewed_by      uuid,
    reviewed_at      timestamptz,
    primary key (tenant_id, id),
    -- Deleting the user deletes their emergency accesses, as it deletes their relationships and trail
    -- references by id; the audit trail keeps what happened.
    foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade,
    check ((review_outcome is null) = (reviewed_at is null))
);
-- The review queue: newest first, pending ones apart.
create index emergency_access_queue on emergency_access (tenant_id, (review_outcome is null), opened_at desc);
-- A user's own open access to a resource (one at a time) and their list.
create index emergency_access_of_user on emergency_access (tenant_id, user_id, resource_type, resource_id);

-- The permissions of break-glass, for clinic tenants created before the pack carried them; their admin
-- roles hold them through '*', providers and managers only once the tenant grants them (the pack gives
-- them to new tenants' providers and managers).
insert into permissions (tenant_id, key, description, kind, source)
select p.tenant_id, k.key, k.description, 'FUNCTIONAL', 'PACK'
from permissions p
join tenants t on t.id = p.tenant_id and t.pack = 'clinic'
cross join (values
    ('break_glass.open', 'Open emergency access to one patient''s record with a reason: time-boxed, alerted to admins and reviewed'),
    ('break_glass.review', 'Review clinicians'' emergency access: mark it justified or not (not justified ends it at once)')
) as k (key, description)
where p.key = 'access.check' and p.source = 'PACK'
on conflict (tenant_id, key) do nothing;
