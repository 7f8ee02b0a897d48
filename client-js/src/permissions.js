/**
 * Permission questions answered in the browser from the signed-in user's `GET /api/v1/me` snapshot
 * (issue 14 contract, section 4). The snapshot holds one entry per permission the user holds now:
 * its widest scope, the locations it reaches (already expanded to every location below where it is
 * held, so no location tree is needed here), and whether a condition is involved.
 *
 * This decides what to *show*, never what to *allow*: the server decides every request again.
 * Where the snapshot cannot know the answer the helper says no (fail closed):
 * - a grant with a condition (CEL over the resource, the time, the address) cannot be evaluated
 *   here, so it answers false unless the caller passes `{trustConditional: true}`;
 * - `ASSIGNED` counts only the assignees the caller names; stored relationships (assigned provider,
 *   care team, shares) live on the server, which `POST …/check` consults.
 *
 * @module
 */

/** @typedef {'TENANT' | 'LOCATION' | 'ASSIGNED' | 'OWN'} Scope */

/**
 * @typedef {object} Grant
 * @property {string} permission
 * @property {Scope} scope
 * @property {boolean} everywhere
 * @property {string[]} locations
 * @property {boolean} conditional
 */

/**
 * @typedef {object} Resource
 * @property {string} [location] the location id the resource lies at
 * @property {string} [owner] the user id owning it
 * @property {string[]} [assignees] the user ids assigned to it
 */

/**
 * @typedef {object} AskOptions
 * @property {boolean} [trustConditional] answer a conditional grant as if its condition held
 */

// Ids are UUIDs the server stores in lower case and accepts in any case (server Ids.canonical):
// compare them the same way, and leave any other text as given.
const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const SCOPES = new Set(['TENANT', 'LOCATION', 'ASSIGNED', 'OWN']);

/**
 * An id as the server compares it.
 * @param {unknown} id
 * @returns {unknown}
 */
export function canonicalId(id) {
  return typeof id === 'string' && UUID_TEXT.test(id) ? id.toLowerCase() : id;
}

/**
 * The questions a user interface asks about the signed-in user.
 *
 * @param {object} me the body of `GET /api/v1/me`
 * @param {AskOptions} [defaults] applied to every question unless the question overrides them
 */
export function createPermissions(me, defaults = {}) {
  const snapshot = readSnapshot(me);
  const grants = new Map(snapshot.grants.map((grant) => [grant.permission, grant]));

  /**
   * Whether the user may use `permission` on `resource`, or anywhere when no resource is named.
   * @param {string} permission
   * @param {Resource | null} [resource]
   * @param {AskOptions} [options]
   * @returns {boolean}
   */
  function can(permission, resource, options) {
    if (typeof permission !== 'string') {
      throw new TypeError('permission must be a string, got ' + describe(permission));
    }
    checkResource(resource);
    const grant = grants.get(permission);
    if (grant === undefined) {
      return false;
    }
    const trustConditional = options?.trustConditional ?? defaults.trustConditional;
    if (grant.conditional && trustConditional !== true) {
      return false;
    }
    return resource == null || reaches(grant, resource, snapshot.userId);
  }

  /**
   * Whether the user may use at least one of `permissions`; an empty list asks for nothing and
   * answers false.
   * @param {string[]} permissions
   * @param {Resource | null} [resource]
   * @param {AskOptions} [options]
   */
  function canAny(permissions, resource, options) {
    return listed(permissions).some((permission) => can(permission, resource, options));
  }

  /**
   * Whether the user may use every one of `permissions`; an empty list asks for nothing and
   * answers false rather than a vacuous true (a missing attribute value must not show a control).
   * @param {string[]} permissions
   * @param {Resource | null} [resource]
   * @param {AskOptions} [options]
   */
  function canAll(permissions, resource, options) {
    const wanted = listed(permissions);
    return wanted.length > 0 && wanted.every((permission) => can(permission, resource, options));
  }

  return Object.freeze({
    can,
    canAny,
    canAll,
    /** The signed-in user, `{id, username}`. */
    user: snapshot.user,
    /** Where the user holds any role, `[{id, name}]`. */
    locations: snapshot.locations,
    /** The keys of every permission held now. */
    permissions: snapshot.permissions,
  });
}

/**
 * Whether a grant held without (or trusting) its condition covers the resource, by the engine's
 * scope rules (docs/access-model.md, "Scopes"): a wider scope implies every narrower one.
 * @param {Grant} grant
 * @param {Resource} resource
 * @param {string} userId
 */
function reaches(grant, resource, userId) {
  switch (grant.scope) {
    case 'TENANT':
      return true;
    case 'LOCATION':
      return atLocation(grant, resource) || isAssigned(resource, userId) || isOwner(resource, userId);
    case 'ASSIGNED':
      return isAssigned(resource, userId) || isOwner(resource, userId);
    case 'OWN':
      return isOwner(resource, userId);
    default:
      return false;
  }
}

/**
 * A tenant-wide holder reaches every location (and a resource naming none); a holder at some
 * locations reaches a resource at one of them (the list already includes every location below).
 * @param {Grant} grant
 * @param {Resource} resource
 */
function atLocation(grant, resource) {
  if (grant.everywhere) {
    return true;
  }
  return resource.location != null && grant.locations.includes(canonicalId(resource.location));
}

/** @param {Resource} resource @param {string} userId */
function isAssigned(resource, userId) {
  return (resource.assignees ?? []).some((assignee) => canonicalId(assignee) === userId);
}

/** @param {Resource} resource @param {string} userId */
function isOwner(resource, userId) {
  return resource.owner != null && canonicalId(resource.owner) === userId;
}

/**
 * The snapshot's fields this module reads, checked once so a server too old for the contract (no
 * `grants`) fails loudly instead of hiding everything silently.
 * @param {any} me
 */
function readSnapshot(me) {
  if (me === null || typeof me !== 'object') {
    throw new TypeError('me must be the object GET /api/v1/me answers, got ' + describe(me));
  }
  if (me.user === null || typeof me.user !== 'object' || typeof me.user.id !== 'string') {
    throw new TypeError('me.user.id must be the signed-in user\'s id');
  }
  if (!Array.isArray(me.grants)) {
    throw new TypeError('me.grants must be a list: the server predates issue 14 (GET /api/v1/me has no grants)');
  }
  const grants = me.grants.map((grant, index) => readGrant(grant, `me.grants[${index}]`));
  return Object.freeze({
    userId: /** @type {string} */ (canonicalId(me.user.id)),
    user: Object.freeze({ ...me.user }),
    grants,
    locations: Object.freeze((me.locations ?? []).map((location) => Object.freeze({ ...location }))),
    permissions: Object.freeze(grants.map((grant) => grant.permission)),
  });
}

/**
 * @param {any} grant
 * @param {string} path
 * @returns {Grant}
 */
function readGrant(grant, path) {
  if (grant === null || typeof grant !== 'object' || typeof grant.permission !== 'string') {
    throw new TypeError(path + '.permission must be a string');
  }
  if (!SCOPES.has(grant.scope)) {
    throw new TypeError(path + '.scope must be one of ' + [...SCOPES].join(', ') + ', got ' + describe(grant.scope));
  }
  const locations = grant.locations ?? [];
  if (!Array.isArray(locations)) {
    throw new TypeError(path + '.locations must be a list of location ids');
  }
  return Object.freeze({
    permission: grant.permission,
    scope: grant.scope,
    everywhere: grant.everywhere === true,
    locations: Object.freeze(locations.map(canonicalId)),
    conditional: grant.conditional === true,
  });
}

/** @param {unknown} resource */
function checkResource(resource) {
  if (resource == null) {
    return;
  }
  if (typeof resource !== 'object' || Array.isArray(resource)) {
    throw new TypeError('resource must be an object {location?, owner?, assignees?}, got ' + describe(resource));
  }
  const { assignees } = /** @type {Resource} */ (resource);
  if (assignees != null && !Array.isArray(assignees)) {
    throw new TypeError('resource.assignees must be a list of user ids, got ' + describe(assignees));
  }
}

/**
 * @param {unknown} permissions
 * @returns {string[]}
 */
function listed(permissions) {
  if (!Array.isArray(permissions)) {
    throw new TypeError('permissions must be a list of permission keys, got ' + describe(permissions));
  }
  return permissions;
}

/** @param {unknown} value */
function describe(value) {
  return value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value;
}
