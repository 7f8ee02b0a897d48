// GET /api/v1/me as the engine's effective permissions give it for each role of the booking role
// pack (engine/src/main/resources/dev/gatehouse/engine/packs/booking.json), written out by hand
// from the contract (section 4): one entry per permission at its widest scope; a LOCATION grant
// held at Downtown lists Downtown and Downtown East below it; a TENANT grant is everywhere
// wherever the role is held.
import { DOWNTOWN, DOWNTOWN_EAST, UPTOWN, grant, mayaHolding } from './snapshots.js';

const GUEST = [
  grant('providers.view_public', 'TENANT'),
  grant('services.search', 'TENANT'),
  grant('bookings.create_as_guest', 'TENANT'),
];

const USER = [
  ...GUEST,
  grant('profile.manage', 'OWN'),
  grant('bookings.create', 'TENANT'),
  grant('bookings.manage', 'OWN'),
  grant('bookings.history.read', 'OWN'),
  grant('reviews.create', 'TENANT'),
  grant('communication_preferences.manage', 'OWN'),
];

const PROVIDER = [
  grant('provider_profile.manage', 'OWN'),
  grant('availability.manage', 'OWN'),
  grant('organization_connections.accept', 'ASSIGNED'),
  grant('availability_proposals.accept', 'ASSIGNED'),
  grant('availability_proposals.create', 'OWN'),
  grant('services.configure', 'OWN'),
  grant('calendar_integrations.manage', 'OWN'),
];

function staffAt(locations) {
  return [
    grant('elevation.request', 'TENANT'),
    grant('organization.access', 'TENANT'),
    grant('organization.data.read', 'LOCATION', { locations }),
  ];
}

function managerAt(locations) {
  return [
    ...staffAt(locations),
    grant('roles.delegate', 'TENANT'),
    grant('MANAGE_PROVIDERS', 'LOCATION', { locations }),
    grant('MANAGE_BOOKINGS', 'LOCATION', { locations }),
    grant('MANAGE_LOCATIONS', 'LOCATION', { locations }),
    grant('availability_proposals.create', 'LOCATION', { locations }),
  ];
}

const ADMIN = [
  grant('elevation.request', 'TENANT'),
  grant('organization.access', 'TENANT'),
  grant('organization.data.read', 'TENANT'),
  grant('roles.delegate', 'TENANT'),
  grant('MANAGE_PROVIDERS', 'TENANT'),
  grant('MANAGE_BOOKINGS', 'TENANT'),
  grant('MANAGE_LOCATIONS', 'TENANT'),
  grant('locations.read', 'TENANT'),
  grant('availability_proposals.create', 'TENANT'),
  grant('provider_invitations.send', 'TENANT'),
  grant('organization.analytics.read', 'TENANT'),
];

// '*': every permission of the catalog, tenant-wide.
const OWNER = [...new Set([...USER, ...PROVIDER, ...ADMIN].map((held) => held.permission)
  .concat(['billing.manage', 'subscription.manage', 'organization.settings.manage', 'organization.members.manage']))]
  .map((permission) => grant(permission, 'TENANT'));

/** One permission per entry, at its widest, as the engine merges two roles giving the same one. */
function both(...roles) {
  const widest = new Map();
  const order = ['OWN', 'ASSIGNED', 'LOCATION', 'TENANT'];
  for (const held of roles.flat()) {
    const before = widest.get(held.permission);
    if (before === undefined || order.indexOf(held.scope) > order.indexOf(before.scope)) {
      widest.set(held.permission, held);
    }
  }
  return [...widest.values()];
}

/** Role (where held) → Maya's snapshot holding it: the rows of the README's navigation table. */
export const BOOKING_ROLES = new Map([
  ['GUEST', mayaHolding(...GUEST)],
  ['USER', mayaHolding(...USER)],
  ['PROVIDER', mayaHolding(...PROVIDER)],
  ['STAFF at Downtown', mayaHolding(...staffAt([DOWNTOWN, DOWNTOWN_EAST]))],
  ['MANAGER at Downtown', mayaHolding(...managerAt([DOWNTOWN, DOWNTOWN_EAST]))],
  ['MANAGER at Uptown', mayaHolding(...managerAt([UPTOWN]))],
  ['ADMIN', mayaHolding(...ADMIN)],
  ['OWNER', mayaHolding(...OWNER)],
  ['USER and PROVIDER (seed 002 §6.1: both at once)', mayaHolding(...both(USER, PROVIDER))],
]);
