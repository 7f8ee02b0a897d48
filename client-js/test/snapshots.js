// Named builders of GET /api/v1/me snapshots (issue 14 contract, section 4) for the tests.

export const MAYA = '5f1c7a52-8d2e-4b7a-9a41-0c6f2d9e3b10';
export const OMAR = '9b0e4f3c-1a2d-4c5e-8f70-6a1b2c3d4e5f';
export const DOWNTOWN = '2d4f6a8c-0e1b-4c3d-9e5f-7a9b1c3d5e7f';
export const DOWNTOWN_EAST = '3e5a7b9d-1f2c-4d4e-8f6a-8b0c2d4e6f8a';
export const UPTOWN = '4f6b8c0e-2a3d-4e5f-9a7b-9c1d3e5f7a9b';

/** A grant as the server writes it; `locations` only for a LOCATION grant held at some locations. */
export function grant(permission, scope, { locations = [], conditional = false } = {}) {
  const everywhere = scope === 'TENANT' || (scope === 'LOCATION' && locations.length === 0);
  return { permission, scope, everywhere, locations: everywhere ? [] : locations, conditional };
}

/** Maya's snapshot holding exactly `grants`. */
export function mayaHolding(...grants) {
  return {
    user: { id: MAYA, username: 'maya' },
    tenant: { id: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', slug: 'northside' },
    permissions: grants.map((held) => held.permission),
    requiredActions: [],
    grants,
    locations: [{ id: DOWNTOWN, name: 'Downtown' }],
  };
}
