/**
 * Show/hide without a framework (seed 002, "Permission Components" and "Navigation"): elements say
 * what they need in attributes, and {@link applyPermissions} sets their `hidden` attribute. Hiding,
 * not removing, so applying again after the snapshot changes (a role granted, a role revoked) shows
 * what was hidden, and the page's structure and event listeners stay as written.
 *
 * - `data-requires="a b"` — every listed permission (space-separated);
 * - `data-requires-any="a b"` — at least one of them;
 * - `data-requires-location="<location id>"` — the permissions above at that location.
 *
 * An element asking for nothing it can be granted (an empty list, or a location with no permission)
 * is hidden: a typo must not show a control.
 *
 * @module
 */

const REQUIRES = 'data-requires';
const REQUIRES_ANY = 'data-requires-any';
const REQUIRES_LOCATION = 'data-requires-location';
const SELECTOR = `[${REQUIRES}], [${REQUIRES_ANY}], [${REQUIRES_LOCATION}]`;

/**
 * Hides every element under `root` (and `root` itself) the user may not use, shows the others.
 *
 * @param {ParentNode & Partial<Element>} root a document, or the element to apply to
 * @param {{can: Function, canAll: Function, canAny: Function}} permissions from createPermissions
 * @returns {{shown: number, hidden: number}} how many guarded elements each way
 */
export function applyPermissions(root, permissions) {
  if (root == null || typeof root.querySelectorAll !== 'function') {
    throw new TypeError('root must be a document or an element');
  }
  const guarded = [...root.querySelectorAll(SELECTOR)];
  if (typeof root.matches === 'function' && root.matches(SELECTOR)) {
    guarded.unshift(/** @type {Element} */ (root));
  }
  let shown = 0;
  for (const element of guarded) {
    const allowed = mayUse(element, permissions);
    /** @type {HTMLElement} */ (element).hidden = !allowed;
    shown += allowed ? 1 : 0;
  }
  return { shown, hidden: guarded.length - shown };
}

/**
 * @param {Element} element
 * @param {{canAll: Function, canAny: Function}} permissions
 */
function mayUse(element, permissions) {
  const location = element.getAttribute(REQUIRES_LOCATION);
  const resource = location === null ? undefined : { location: location.trim() };
  const all = element.getAttribute(REQUIRES);
  const any = element.getAttribute(REQUIRES_ANY);
  if (all === null && any === null) {
    return false;
  }
  return (all === null || permissions.canAll(keys(all), resource))
    && (any === null || permissions.canAny(keys(any), resource));
}

/** @param {string} value */
function keys(value) {
  return value.split(/\s+/).filter((key) => key !== '');
}
