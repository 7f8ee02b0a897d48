import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPermissions, createPermissions } from '../src/index.js';
import { FakeElement, parse } from './fake-dom.js';
import { DOWNTOWN, UPTOWN, grant, mayaHolding } from './snapshots.js';

const maya = createPermissions(mayaHolding(
  grant('patients.read', 'TENANT'),
  grant('patients.edit', 'LOCATION', { locations: [DOWNTOWN] }),
  grant('invoices.approve', 'TENANT', { conditional: true })));

/** The text of the elements `applyPermissions` left visible, in document order. */
function visible(root) {
  return root.querySelectorAll('[data-requires], [data-requires-any], [data-requires-location]')
    .filter((element) => !element.hidden)
    .map((element) => element.textContent.trim());
}

test('data-requires shows what the user holds and hides what they do not', () => {
  const page = parse(`
    <button data-requires="patients.read">Open chart</button>
    <button data-requires="patients.delete">Delete patient</button>`);
  const counts = applyPermissions(page, maya);
  assert.deepEqual(visible(page), ['Open chart']);
  assert.equal(page.children[1].getAttribute('hidden'), '', 'hidden by the attribute');
  assert.deepEqual(counts, { shown: 1, hidden: 1 });
});

test('data-requires with several keys needs every one, data-requires-any needs one', () => {
  const page = parse(`
    <a data-requires="patients.read patients.edit">Edit chart</a>
    <a data-requires="patients.read   billing.manage">Bill patient</a>
    <a data-requires-any="billing.manage patients.read">Either</a>
    <a data-requires-any="billing.manage patients.delete">Neither</a>`);
  applyPermissions(page, maya);
  assert.deepEqual(visible(page), ['Edit chart', 'Either']);
});

test('data-requires-location asks about that location', () => {
  const page = parse(`
    <a data-requires="patients.edit" data-requires-location="${DOWNTOWN}">Edit Downtown charts</a>
    <a data-requires="patients.edit" data-requires-location="${UPTOWN}">Edit Uptown charts</a>
    <a data-requires-any="billing.manage patients.edit" data-requires-location="${UPTOWN}">Uptown, either</a>
    <a data-requires="patients.read" data-requires-location="${UPTOWN}">Read Uptown charts</a>`);
  applyPermissions(page, maya);
  assert.deepEqual(visible(page), ['Edit Downtown charts', 'Read Uptown charts']);
});

test('both attributes on one element must both hold', () => {
  const page = parse(`
    <a data-requires="patients.read" data-requires-any="patients.edit billing.manage">Both hold</a>
    <a data-requires="patients.read" data-requires-any="billing.manage">One fails</a>`);
  applyPermissions(page, maya);
  assert.deepEqual(visible(page), ['Both hold']);
});

test('an element asking for nothing, or only for a location, is hidden: a typo must not show a control', () => {
  const page = parse(`
    <a data-requires="">Empty</a>
    <a data-requires-any="  ">Blank</a>
    <a data-requires-location="${DOWNTOWN}">Location only</a>`);
  applyPermissions(page, maya);
  assert.deepEqual(visible(page), []);
});

test('a conditional permission stays hidden unless the permissions trust conditions', () => {
  const page = parse('<button data-requires="invoices.approve">Approve</button>');
  applyPermissions(page, maya);
  assert.deepEqual(visible(page), []);
  const trusting = createPermissions(mayaHolding(grant('invoices.approve', 'TENANT', { conditional: true })),
    { trustConditional: true });
  applyPermissions(page, trusting);
  assert.deepEqual(visible(page), ['Approve']);
});

test('applying again after the snapshot changes shows what was hidden and hides what was shown', () => {
  const page = parse(`
    <a data-requires="patients.read">Charts</a>
    <a data-requires="billing.manage">Billing</a>`);
  applyPermissions(page, maya);
  applyPermissions(page, createPermissions(mayaHolding(grant('billing.manage', 'TENANT'))));
  assert.deepEqual(visible(page), ['Billing']);
});

test('guarded elements nested in guarded elements are each decided, and unguarded ones are left alone', () => {
  const page = parse(`
    <section data-requires="patients.read">
      <h2>Charts</h2>
      <button data-requires="patients.delete">Delete</button>
      <p hidden="">Left hidden by the page</p>
    </section>`);
  applyPermissions(page, maya);
  const [section] = page.children;
  assert.equal(section.hidden, false);
  assert.equal(section.children[1].hidden, true);
  assert.equal(section.children[2].hidden, true, 'an element without data-requires is not touched');
  assert.equal(section.children[0].hidden, false);
});

test('the root itself is decided when it carries data-requires', () => {
  const root = new FakeElement('nav', { 'data-requires': 'billing.manage' });
  root.append(new FakeElement('a', { 'data-requires': 'patients.read' }));
  applyPermissions(root, maya);
  assert.equal(root.hidden, true);
  assert.equal(root.children[0].hidden, false);
});

test('a root that is no document or element is refused', () => {
  assert.throws(() => applyPermissions(null, maya), /root must be a document or an element/);
  assert.throws(() => applyPermissions({}, maya), /root must be a document or an element/);
});
