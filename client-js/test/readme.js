// The parts of README.md the tests run, so the README cannot drift from what the helper does.
import { readFileSync } from 'node:fs';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The html block following the navigation-example marker. */
export function navigationExample() {
  const block = /<!-- navigation-example:[^>]*-->\s*```html\n([\s\S]*?)```/.exec(README);
  if (block === null) {
    throw new Error('README.md has no navigation example');
  }
  return block[1];
}

/** The table "what each role sees": role → its menu as written ("a, b, c" or "everything"). */
export function readmeTable() {
  const rows = new Map();
  const table = README.slice(README.indexOf('| role (where held) | menu |'));
  for (const [, role, menu] of table.matchAll(/^\| (.+?) \| (.+?) \|$/gm)) {
    if (role !== 'role (where held)' && !role.startsWith('---')) {
      rows.set(role.replaceAll('`', ''), menu);
    }
  }
  return rows;
}
