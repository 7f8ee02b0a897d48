/**
 * @gatehouse/client — the signed-in user's permissions in the browser (issue 14): ask
 * `can(permission, resource?)` over the `GET /api/v1/me` snapshot, and show or hide elements that
 * declare what they need. The server still decides every request; this decides what to show.
 *
 * @module
 */

export { createPermissions, canonicalId } from './permissions.js';
export { loadPermissions, PermissionsLoadError } from './load.js';
export { applyPermissions } from './dom.js';
