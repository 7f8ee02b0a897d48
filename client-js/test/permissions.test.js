import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPermissions } from '../src/index.js';
import { DOWNTOWN, DOWNTOWN_EAST, MAYA, OMAR, UPTOWN, grant, mayaHolding } from './snapshots.js';

// One line per case, as a clinic manager would read it (docs style.md §11):
// [grant Maya holds, resource asked about, expected, why]
const SCOPE_RULES = [
  [grant('patients.read', 'TENANT'), undefined, true, 'tenant-wide: anywhere'],
  [grant('patients.read', 'TENANT'), { location: UPTOWN }, true, 'tenant-wide: any location'],
  [grant('patients.read', 'TENANT'), { owner: OMAR }, true, 'tenant-wide: anyone\'s resource'],
  [grant('patients.read', 'LOCATION', { locations: [DOWNTOWN, DOWNTOWN_EAST] }), undefined, true,
    'held at a location: held somewhere'],
  [grant('patients.read', 'LOCATION', { locations: [DOWNTOWN, DOWNTOWN_EAST] }), { location: DOWNTOWN }, true,
    'held at Downtown: a Downtown resource'],
  [grant('patients.read', 'LOCATION', { locations: [DOWNTOWN, DOWNTOWN_EAST] }), { location: DOWNTOWN_EAST }, true,
    'held at Downtown: a resource below it'],
  [grant('patients.read', 'LOCATION', { locations: [DOWNTOWN, DOWNTOWN_EAST] }), { location: UPTOWN }, false,
    'held at Downtown: not an Uptown resource'],
  [grant('patients.read', 'LOCATION', { locations: [DOWNTOWN] }), { location: DOWNTOWN.toUpperCase() }, true,
    'location ids compare in any case, as the server does'],
  [grant('patients.read', 'LOCATION', { locations: [DOWNTOWN] }), {}, false,
    'held at Downtown: a resource naming no location'],
  [grant('patients.read', 'LOCATION', { locations: [DOWNTOWN] }), { location: UPTOWN, owner: MAYA }, true,
    'a wider scope implies OWN: her own resource elsewhere'],
  [grant('patients.read', 'LOCATION', { locations: [DOWNTOWN] }), { location: UPTOWN, assignees: [MAYA] }, true,
    'a wider scope implies ASSIGNED: assigned to her elsewhere'],
  [grant('patients.read', 'LOCATION'), { location: UPTOWN }, true, 'held tenant-wide: every location'],
  [grant('patients.read', 'LOCATION'), {}, true, 'held tenant-wide: a resource naming no location'],
  [grant('patients.read', 'ASSIGNED'), undefined, true, 'assigned scope: held somewhere'],
  [grant('patients.read', 'ASSIGNED'), { assignees: [OMAR, MAYA] }, true, 'among the assignees'],
  [grant('patients.read', 'ASSIGNED'), { assignees: [OMAR] }, false, 'not among the assignees'],
  [grant('patients.read', 'ASSIGNED'), { owner: MAYA }, true, 'the owner counts as assigned'],
  [grant('patients.read', 'ASSIGNED'), { location: DOWNTOWN }, false, 'a location is not an assignment'],
  [grant('patients.read', 'ASSIGNED'), { assignees: [MAYA.toUpperCase()] }, true, 'user ids compare in any case'],
  [grant('patients.read', 'OWN'), undefined, true, 'own scope: held somewhere'],
  [grant('patients.read', 'OWN'), { owner: MAYA }, true, 'her own resource'],
  [grant('patients.read', 'OWN'), { owner: OMAR }, false, 'someone else\'s resource'],
  [grant('patients.read', 'OWN'), { assignees: [MAYA] }, false, 'assigned is wider than own'],
  [grant('patients.read', 'OWN'), {}, false, 'a resource naming no owner'],
];

for (const [held, resource, expected, why] of SCOPE_RULES) {
  test(`${held.scope} ${why} → ${expected}`, () => {
    const permissions = createPermissions(mayaHolding(held));
    assert.equal(permissions.can('patients.read', resource), expected);
  });
}

test('a permission the snapshot does not hold is denied, with or without a resource', () => {
  const permissions = createPermissions(mayaHolding(grant('patients.read', 'TENANT')));
  assert.equal(permissions.can('patients.delete'), false);
  assert.equal(permissions.can('patients.delete', { owner: MAYA }), false);
  assert.equal(permissions.can('patients'), false, 'no prefix matching');
});

test('a conditional grant is denied: the browser cannot evaluate its condition', () => {
  const permissions = createPermissions(mayaHolding(grant('invoices.approve', 'TENANT', { conditional: true })));
  assert.equal(permissions.can('invoices.approve'), false);
  assert.equal(permissions.can('invoices.approve', { location: DOWNTOWN }), false);
});

test('a conditional grant is allowed when the caller trusts conditions, still by its scope', () => {
  const permissions = createPermissions(mayaHolding(
    grant('invoices.approve', 'TENANT', { conditional: true }),
    grant('invoices.void', 'OWN', { conditional: true })));
  assert.equal(permissions.can('invoices.approve', null, { trustConditional: true }), true);
  assert.equal(permissions.can('invoices.void', { owner: MAYA }, { trustConditional: true }), true);
  assert.equal(permissions.can('invoices.void', { owner: OMAR }, { trustConditional: true }), false);
});

test('trustConditional given to createPermissions applies to every question unless a question says otherwise', () => {
  const permissions = createPermissions(mayaHolding(grant('invoices.approve', 'TENANT', { conditional: true })),
    { trustConditional: true });
  assert.equal(permissions.can('invoices.approve'), true);
  assert.equal(permissions.can('invoices.approve', null, { trustConditional: false }), false);
  assert.equal(permissions.can('invoices.approve', null, {}), true, 'an option not given keeps the default');
});

test('canAny holds when one permission does, canAll only when every one does', () => {
  const permissions = createPermissions(mayaHolding(
    grant('bookings.create', 'TENANT'),
    grant('MANAGE_BOOKINGS', 'LOCATION', { locations: [DOWNTOWN] })));
  assert.equal(permissions.canAny(['billing.manage', 'bookings.create']), true);
  assert.equal(permissions.canAny(['billing.manage', 'subscription.manage']), false);
  assert.equal(permissions.canAll(['bookings.create', 'MANAGE_BOOKINGS']), true);
  assert.equal(permissions.canAll(['bookings.create', 'billing.manage']), false);
  assert.equal(permissions.canAll(['bookings.create', 'MANAGE_BOOKINGS'], { location: UPTOWN }), false,
    'the resource applies to every permission asked');
  assert.equal(permissions.canAny(['bookings.create', 'MANAGE_BOOKINGS'], { location: UPTOWN }), true);
});

test('an empty list asks for nothing and answers false, for canAny and canAll alike', () => {
  const permissions = createPermissions(mayaHolding(grant('bookings.create', 'TENANT')));
  assert.equal(permissions.canAny([]), false);
  assert.equal(permissions.canAll([]), false);
});

test('a snapshot with required actions pending holds nothing', () => {
  const me = { ...mayaHolding(), permissions: [], grants: [], locations: [], requiredActions: ['CHANGE_PASSWORD'] };
  const permissions = createPermissions(me);
  assert.equal(permissions.can('bookings.create'), false);
  assert.deepEqual(permissions.permissions, []);
});

test('the snapshot\'s user, locations and permission keys are readable and frozen', () => {
  const permissions = createPermissions(mayaHolding(grant('bookings.create', 'TENANT')));
  assert.deepEqual(permissions.user, { id: MAYA, username: 'maya' });
  assert.deepEqual(permissions.locations, [{ id: DOWNTOWN, name: 'Downtown' }]);
  assert.deepEqual(permissions.permissions, ['bookings.create']);
  assert.throws(() => permissions.permissions.push('billing.manage'), TypeError);
});

test('changing the snapshot after reading it changes no answer', () => {
  const me = mayaHolding(grant('bookings.create', 'OWN'));
  const permissions = createPermissions(me);
  me.grants[0].scope = 'TENANT';
  me.grants.push(grant('billing.manage', 'TENANT'));
  assert.equal(permissions.can('bookings.create', { owner: OMAR }), false);
  assert.equal(permissions.can('billing.manage'), false);
});

test('a snapshot from a server without grants is refused, naming the field', () => {
  const older = mayaHolding();
  delete older.grants;
  assert.throws(() => createPermissions(older), /me\.grants must be a list/);
});

test('malformed snapshots are refused naming the field', () => {
  assert.throws(() => createPermissions(null), /me must be the object/);
  assert.throws(() => createPermissions({ grants: [] }), /me\.user\.id/);
  assert.throws(() => createPermissions(mayaHolding({ permission: 'a.b', scope: 'EVERYWHERE' })),
    /me\.grants\[0\]\.scope must be one of TENANT, LOCATION, ASSIGNED, OWN, got string/);
  assert.throws(() => createPermissions(mayaHolding({ scope: 'TENANT' })), /me\.grants\[0\]\.permission/);
  assert.throws(() => createPermissions(mayaHolding({ permission: 'a.b', scope: 'LOCATION', locations: 'x' })),
    /me\.grants\[0\]\.locations/);
});

test('a question of the wrong shape is a programming error, not a silent false', () => {
  const permissions = createPermissions(mayaHolding(grant('bookings.create', 'TENANT')));
  assert.throws(() => permissions.can(['bookings.create']), /permission must be a string, got a list/);
  assert.throws(() => permissions.can('bookings.create', 'downtown'), /resource must be an object/);
  assert.throws(() => permissions.can('bookings.create', { assignees: MAYA }), /resource\.assignees must be a list/);
  assert.throws(() => permissions.canAny('bookings.create'), /permissions must be a list/);
});
