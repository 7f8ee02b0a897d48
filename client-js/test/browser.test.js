// The package in a real browser: headless chromium loads a page made of the README's navigation
// example, imports src/index.js as an ES module, fetches /me from this test's server with the
// browser's own fetch, and applies the permissions; the DOM chromium prints afterwards is checked.
// Skipped (saying so) where no chromium is installed; CI installs it before this suite runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BOOKING_ROLES } from './booking-me.js';
import { navigationExample, readmeTable } from './readme.js';

const CHROMIUM = [process.env.CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']
  .find((path) => path && existsSync(path));
const TOKEN = 'browser-test-token';
const ROLE = 'MANAGER at Uptown';

/** The page: the README's navigation, then the README's wiring with an outcome written into the body. */
function page(token) {
  return `<!doctype html><html><head><meta charset="utf-8"></head><body>
${navigationExample()}
<script type="module">
  import { loadPermissions, applyPermissions } from '/src/index.js';
  try {
    const counts = applyPermissions(document, await loadPermissions({ baseUrl: location.origin, token: '${token}' }));
    document.body.dataset.outcome = 'applied ' + counts.shown + ' shown ' + counts.hidden + ' hidden';
  } catch (error) {
    document.body.dataset.outcome = error.name + ' ' + error.kind;
  }
</script></body></html>`;
}

/** Serves the page, the package's sources, and /api/v1/me answering the role's snapshot to TOKEN only. */
function serve() {
  const server = createServer((request, response) => {
    const url = new URL(request.url, 'http://localhost');
    if (url.pathname === '/api/v1/me') {
      const signedIn = request.headers.authorization === 'Bearer ' + TOKEN;
      response.writeHead(signedIn ? 200 : 401, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify(signedIn ? BOOKING_ROLES.get(ROLE) : { status: 401, detail: 'signed out' }));
    } else if (url.pathname === '/page.html') {
      response.writeHead(200, { 'Content-Type': 'text/html' });
      response.end(page(url.searchParams.get('token')));
    } else if (/^\/src\/[a-z]+\.js$/.test(url.pathname)) {
      response.writeHead(200, { 'Content-Type': 'text/javascript' });
      response.end(readFileSync(new URL('..' + url.pathname, import.meta.url)));
    } else {
      response.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** The DOM chromium holds once the page's work is done (virtual time lets the fetch finish first). */
async function renderedDom(url) {
  const profile = mkdtempSync(join(tmpdir(), 'gatehouse-client-js-chromium-'));
  try {
    const { stdout } = await promisify(execFile)(CHROMIUM, ['--headless', '--no-sandbox', '--disable-gpu',
      '--no-first-run', `--user-data-dir=${profile}`, '--virtual-time-budget=10000', '--dump-dom', url],
    { timeout: 60_000, maxBuffer: 1 << 22 });
    return stdout;
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/** The menu items the DOM leaves visible: its `<a>` elements without the hidden attribute. */
function visibleLinks(dom) {
  return [...dom.matchAll(/<a ([^>]*)>([^<]*)<\/a>/g)]
    .filter(([, attributes]) => !/(^|\s)hidden(=|\s|$)/.test(attributes))
    .map(([, , text]) => text);
}

test('in chromium, the README\'s navigation shows what the table says after loading /me', { skip: !CHROMIUM && 'no chromium installed' }, async () => {
  const server = await serve();
  try {
    const base = `http://127.0.0.1:${server.address().port}`;
    const dom = await renderedDom(`${base}/page.html?token=${TOKEN}`);
    assert.match(dom, /data-outcome="applied 3 shown 11 hidden"/);
    assert.deepEqual(visibleLinks(dom), readmeTable().get(ROLE).split(', '));
  } finally {
    server.close();
  }
});

test('in chromium, a rejected token leaves every item hidden and reports signed out', { skip: !CHROMIUM && 'no chromium installed' }, async () => {
  const server = await serve();
  try {
    const dom = await renderedDom(`http://127.0.0.1:${server.address().port}/page.html?token=stale`);
    assert.match(dom, /data-outcome="PermissionsLoadError signed-out"/);
    assert.deepEqual(visibleLinks(dom), []);
  } finally {
    server.close();
  }
});
