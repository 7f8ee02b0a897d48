import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as client from '../src/index.js';

test('index.d.ts declares exactly what src/index.js exports, so the hand-written types cannot drift', () => {
  const types = readFileSync(new URL('../index.d.ts', import.meta.url), 'utf8');
  const declared = [...types.matchAll(/^export (?:declare )?(?:function|class) (\w+)/gm)].map(([, name]) => name);
  assert.deepEqual([...new Set(declared)].sort(), Object.keys(client).sort());
});

test('package.json points its entry and types at files that exist', () => {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  assert.equal(manifest.type, 'module');
  assert.deepEqual(manifest.dependencies ?? {}, {}, 'no runtime dependency');
  for (const file of [manifest.main, manifest.types, manifest.exports['.'].default, manifest.exports['.'].types]) {
    assert.doesNotThrow(() => readFileSync(new URL('../' + file, import.meta.url)), file);
  }
});
