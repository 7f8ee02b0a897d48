import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPermissions, PermissionsLoadError } from '../src/index.js';
import { DOWNTOWN, UPTOWN, grant, mayaHolding } from './snapshots.js';

/** A fetch that records its requests and answers each with `answer(url, init)`. */
function fakeFetch(answer) {
  const requests = [];
  const fetch = async (url, init) => {
    requests.push({ url, init });
    return answer(url, init);
  };
  return { fetch, requests };
}

const json = (status, body) => new Response(JSON.stringify(body), {
  status, headers: { 'Content-Type': status < 300 ? 'application/json' : 'application/problem+json' },
});

test('loads /api/v1/me with the bearer token and answers from it', async () => {
  const me = mayaHolding(grant('MANAGE_BOOKINGS', 'LOCATION', { locations: [DOWNTOWN] }));
  const { fetch, requests } = fakeFetch(() => json(200, me));

  const permissions = await loadPermissions({ baseUrl: 'https://gatehouse.example/', token: 'ghs_abc', fetch });

  assert.equal(requests.length, 1);
  assert.equal(requests[0].url, 'https://gatehouse.example/api/v1/me', 'one slash between base and path');
  assert.equal(requests[0].init.headers.Authorization, 'Bearer ghs_abc');
  assert.equal(requests[0].init.headers.Accept, 'application/json');
  assert.equal(permissions.can('MANAGE_BOOKINGS', { location: DOWNTOWN }), true);
  assert.equal(permissions.can('MANAGE_BOOKINGS', { location: UPTOWN }), false);
});

test('passes the defaults on to the permissions it builds', async () => {
  const me = mayaHolding(grant('invoices.approve', 'TENANT', { conditional: true }));
  const { fetch } = fakeFetch(() => json(200, me));
  const permissions = await loadPermissions({ baseUrl: 'https://g.example', token: 't', fetch,
    defaults: { trustConditional: true } });
  assert.equal(permissions.can('invoices.approve'), true);
});

test('401 is signed out, with the server\'s problem detail', async () => {
  const { fetch } = fakeFetch(() => json(401, { title: 'Unauthorized', status: 401, detail: 'the session ended' }));
  const error = await loadPermissions({ baseUrl: 'https://g.example', token: 'old', fetch }).catch((e) => e);
  assert.ok(error instanceof PermissionsLoadError);
  assert.equal(error.kind, 'signed-out');
  assert.equal(error.status, 401);
  assert.equal(error.problem.detail, 'the session ended');
  assert.match(error.message, /^Signed out: GET https:\/\/g\.example\/api\/v1\/me answered 401: the session ended$/);
});

test('401 without a body is still signed out', async () => {
  const { fetch } = fakeFetch(() => new Response(null, { status: 401 }));
  await assert.rejects(loadPermissions({ baseUrl: 'https://g.example', token: 'old', fetch }),
    { name: 'PermissionsLoadError', kind: 'signed-out', status: 401, problem: undefined });
});

test('403 is forbidden', async () => {
  const { fetch } = fakeFetch(() => json(403, { status: 403, detail: 'address not allowed' }));
  await assert.rejects(loadPermissions({ baseUrl: 'https://g.example', token: 't', fetch }),
    { kind: 'forbidden', status: 403, message: /^Forbidden: .*address not allowed$/ });
});

test('a failed request is a network error keeping its cause', async () => {
  const cause = new TypeError('fetch failed');
  const { fetch } = fakeFetch(() => { throw cause; });
  const error = await loadPermissions({ baseUrl: 'https://g.example', token: 't', fetch }).catch((e) => e);
  assert.equal(error.kind, 'network');
  assert.equal(error.status, undefined);
  assert.equal(error.cause, cause);
  assert.match(error.message, /fetch failed/);
});

test('another status, or a body that is not JSON, is an unexpected response', async () => {
  const unavailable = fakeFetch(() => json(503, { status: 503, detail: 'starting' }));
  await assert.rejects(loadPermissions({ baseUrl: 'https://g.example', token: 't', fetch: unavailable.fetch }),
    { kind: 'response', status: 503, message: /answered 503: starting/ });
  const html = fakeFetch(() => new Response('<html>proxy</html>', { status: 200 }));
  await assert.rejects(loadPermissions({ baseUrl: 'https://g.example', token: 't', fetch: html.fetch }),
    { kind: 'response', status: 200, message: /without JSON/ });
});

test('a snapshot without grants (a server before issue 14) is refused as such', async () => {
  const older = mayaHolding();
  delete older.grants;
  const { fetch } = fakeFetch(() => json(200, older));
  await assert.rejects(loadPermissions({ baseUrl: 'https://g.example', token: 't', fetch }), /me\.grants must be a list/);
});

test('missing options are refused before any request', async () => {
  const { fetch, requests } = fakeFetch(() => json(200, mayaHolding()));
  await assert.rejects(loadPermissions({ token: 't', fetch }), /baseUrl/);
  await assert.rejects(loadPermissions({ baseUrl: 'https://g.example', fetch }), /token/);
  await assert.rejects(loadPermissions({ baseUrl: 'https://g.example', token: 't', fetch: 'no' }), /fetch must be a function/);
  await assert.rejects(loadPermissions(), /baseUrl/);
  assert.equal(requests.length, 0);
});

test('the abort signal reaches fetch', async () => {
  const controller = new AbortController();
  const { fetch, requests } = fakeFetch(() => json(200, mayaHolding()));
  await loadPermissions({ baseUrl: 'https://g.example', token: 't', fetch, signal: controller.signal });
  assert.equal(requests[0].init.signal, controller.signal);
});
