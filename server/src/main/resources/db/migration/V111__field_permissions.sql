-- Field permissions (issue 13; docs/engine.md, "Field permissions"): the clinic pack names the
-- sensitive fields of a patient record as permissions of their own, patients.read.<field>. Clinic
-- tenants created before the pack carried them get the catalog entries and the built-in roles'
-- grants here, as a new tenant gets them from the pack; the owner holds them through '*'.
insert into permissions (tenant_id, key, description, kind, source)
select t.id, f.key, f.description, 'FUNCTIONAL', 'PACK'
from tenants t
cross join (values
    ('patients.read.ssn', 'See a patient''s Social Security number (a field of the patient record; patients.read alone hides it)'),
    ('patients.read.insurance', 'See a patient''s insurance details: payer, member id, group (a field of the patient record)'),
    ('patients.read.diagnosis', 'See a patient''s diagnoses and problem list (a clinical field of the patient record)'),
    ('patients.read.notes', 'See the clinical notes on a patient''s record (a clinical field of the patient record)')
) as f (key, description)
where t.pack = 'clinic'
on conflict (tenant_id, key) do nothing;

insert into role_grants (tenant_id, role_key, position, permission, scope)
select r.tenant_id, r.key,
       (select coalesce(max(g.position), -1) from role_grants g where g.tenant_id = r.tenant_id and g.role_key = r.key)
           + f.n,
       f.permission, f.scope
from roles r
join tenants t on t.id = r.tenant_id and t.pack = 'clinic'
join (values
    ('manager', 1, 'patients.read.insurance', 'LOCATION'),
    ('manager', 2, 'patients.read.diagnosis', 'LOCATION'),
    ('manager', 3, 'patients.read.notes', 'LOCATION'),
    ('provider', 1, 'patients.read.diagnosis', 'ASSIGNED'),
    ('provider', 2, 'patients.read.notes', 'ASSIGNED'),
    ('billing', 1, 'patients.read.ssn', 'LOCATION'),
    ('billing', 2, 'patients.read.insurance', 'LOCATION')
) as f (role_key, n, permission, scope) on f.role_key = r.key
where r.built_in
  and not exists (select 1 from role_grants g
                  where g.tenant_id = r.tenant_id and g.role_key = r.key and g.permission = f.permission);
