// The README's seed 002 navigation example, run as written over the /me of every role of the booking
// pack captured from a real server: the HTML block and the table are read from README.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPermissions, createPermissions } from '../src/index.js';
import { parse } from './fake-dom.js';
import { BOOKING_ROLES } from './booking-me.js';
import { navigationExample, readmeTable } from './readme.js';

function menuFor(me) {
  const page = parse(navigationExample());
  applyPermissions(page, createPermissions(me));
  return visibleItems(page);
}

function visibleItems(page) {
  const nav = page.children[0];
  return nav.children.filter((item) => !item.hidden).map((item) => item.textContent);
}

test('the README\'s navigation starts with every guarded item hidden (nothing flashes before the snapshot)', () => {
  const nav = parse(navigationExample()).children[0];
  assert.ok(nav.children.length >= 10);
  assert.ok(nav.children.every((item) => item.hidden));
});

for (const [role, me] of BOOKING_ROLES) {
  test(`seed 002 navigation: ${role} sees what the README's table says`, () => {
    const expected = readmeTable().get(role);
    assert.ok(expected, `the README's table has a row for ${role}`);
    const shown = menuFor(me);
    if (expected === 'everything') {
      const all = parse(navigationExample()).children[0].children.map((item) => item.textContent);
      assert.deepEqual(shown, all);
    } else {
      assert.deepEqual(shown, expected.split(', '));
    }
  });
}

test('every row of the README\'s table is tested', () => {
  assert.deepEqual([...readmeTable().keys()].sort(), [...BOOKING_ROLES.keys()].sort());
});
