/**
 * Fetching the signed-in user's snapshot. Each way it can fail is its own `kind`, because a user
 * interface answers them differently: signed out → to the sign-in page; forbidden → say so;
 * network → retry later; anything else → a bug to report.
 *
 * @module
 */

import { createPermissions } from './permissions.js';

/** @typedef {'signed-out' | 'forbidden' | 'network' | 'response'} LoadFailure */

/** Why the snapshot could not be loaded; `problem` is the server's problem document when it sent one. */
export class PermissionsLoadError extends Error {
  /**
   * @param {LoadFailure} kind
   * @param {string} message
   * @param {{status?: number, problem?: object, cause?: unknown}} [details]
   */
  constructor(kind, message, details = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'PermissionsLoadError';
    /** @type {LoadFailure} */
    this.kind = kind;
    /** @type {number | undefined} */
    this.status = details.status;
    /** @type {object | undefined} */
    this.problem = details.problem;
  }
}

/**
 * `GET {baseUrl}/api/v1/me` with the bearer token, as {@link createPermissions} reads it.
 *
 * @param {object} options
 * @param {string} options.baseUrl the Gatehouse server, e.g. `https://gatehouse.example.com`
 * @param {string} options.token a session token or a Gatehouse OAuth access token of the user
 * @param {typeof fetch} [options.fetch] the fetch to use (default: the global one)
 * @param {AbortSignal} [options.signal] cancels the request
 * @param {import('./permissions.js').AskOptions} [options.defaults] passed to createPermissions
 */
export async function loadPermissions({ baseUrl, token, fetch = globalThis.fetch, signal, defaults } = /** @type {any} */ ({})) {
  if (typeof baseUrl !== 'string' || baseUrl === '') {
    throw new TypeError('baseUrl must be the Gatehouse server\'s address');
  }
  if (typeof token !== 'string' || token === '') {
    throw new TypeError('token must be the signed-in user\'s bearer token');
  }
  if (typeof fetch !== 'function') {
    throw new TypeError('fetch must be a function (no global fetch here: pass one)');
  }
  const url = baseUrl.replace(/\/+$/, '') + '/api/v1/me';
  let response;
  try {
    response = await fetch(url, {
      headers: { Authorization: 'Bearer ' + token, Accept: 'application/json' },
      signal,
    });
  } catch (cause) {
    throw new PermissionsLoadError('network', `GET ${url} failed: ${messageOf(cause)}`, { cause });
  }
  if (!response.ok) {
    throw await refusal(response, url);
  }
  let me;
  try {
    me = await response.json();
  } catch (cause) {
    throw new PermissionsLoadError('response', `GET ${url} answered ${response.status} without JSON`,
      { status: response.status, cause });
  }
  return createPermissions(me, defaults);
}

/**
 * The error for a non-2xx answer, with the problem document's detail when there is one.
 * @param {Response} response
 * @param {string} url
 */
async function refusal(response, url) {
  const problem = await problemOf(response);
  const detail = problem && typeof problem.detail === 'string' ? ': ' + problem.detail : '';
  const details = { status: response.status, problem };
  switch (response.status) {
    case 401:
      return new PermissionsLoadError('signed-out', `Signed out: GET ${url} answered 401${detail}`, details);
    case 403:
      return new PermissionsLoadError('forbidden', `Forbidden: GET ${url} answered 403${detail}`, details);
    default:
      return new PermissionsLoadError('response', `GET ${url} answered ${response.status}${detail}`, details);
  }
}

/**
 * @param {Response} response
 * @returns {Promise<any>}
 */
async function problemOf(response) {
  try {
    return await response.json();
  } catch {
    return undefined;
  }
}

/** @param {unknown} error */
function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
}
