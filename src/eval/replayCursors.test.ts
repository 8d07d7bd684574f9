// Tests of the replay's cursor places and seeded draws.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { isReplayable, pausePlaces, replayCursors, replaySources, sampleFiles } from './replayCursors';

const CODE = 'export function add(a, b) {\n  return a + b;\n}\n';

test('replayCursors: a person pauses after a token with the line unfinished, and after an indentation', () => {
  const places = pausePlaces(CODE).map(p => `${p.kind}:${JSON.stringify(CODE.slice(0, p.offset).split('\n').at(-1))}`);
  assert.deepEqual(places, [
    'in-line:"export"',
    'in-line:"export function"',
    'in-line:"export function add"',
    'in-line:"export function add("',
    'in-line:"export function add(a"',
    'in-line:"export function add(a,"',
    'in-line:"export function add(a, b"',
    'in-line:"export function add(a, b)"',
    'line-start:"  "',
    'in-line:"  return"',
    'in-line:"  return a"',
    'in-line:"  return a +"',
    'in-line:"  return a + b"',
  ]);
  // Not inside an operator (`=` of `=>`), and never at a line's end: nothing is left to type there.
  const arrow = pausePlaces('const f = (x) => x;').map(p => 'const f = (x) => x;'.slice(0, p.offset));
  assert.ok(!arrow.includes('const f = (x) ='));
  assert.ok(arrow.includes('const f = (x) =>'));
  assert.ok(!arrow.includes('const f = (x) => x;'));
});

test('replayCursors: the draw repeats for a seed, differs for another, keeps the line-start share and file order', () => {
  const text = Array.from({ length: 60 }, (_, i) => `  const v${i} = compute(${i}, "x");`).join('\n');
  const a = replayCursors('a.ts', text);
  assert.deepEqual(replayCursors('a.ts', text), a);
  assert.equal(a.length, 20);
  assert.equal(a.filter(c => c.kind === 'line-start').length, 5);
  assert.deepEqual(
    [...a].sort((x, y) => x.offset - y.offset),
    a,
  );
  assert.notDeepEqual(replayCursors('a.ts', text, { perFile: 20, seed: 2, lineStartShare: 0.25 }), a);
  assert.notDeepEqual(
    replayCursors('b.ts', text).map(c => c.offset),
    a.map(c => c.offset),
  );
  // A file with fewer places gives them all.
  assert.equal(replayCursors('c.ts', CODE).length, pausePlaces(CODE).length);
});

test('replayCursors: sources are typed code, not declarations, minified files or dependencies', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemo-replay-test-'));
  try {
    for (const file of [
      'src/a.ts',
      'src/b.tsx',
      'lib/c.js',
      'lib/d.mjs',
      'e.cjs',
      'types.d.ts',
      'x.min.js',
      'node_modules/dep/i.js',
      '.cache/j.js',
      'readme.md',
    ]) {
      fs.mkdirSync(path.join(dir, path.dirname(file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), CODE);
    }
    assert.deepEqual(replaySources(dir), ['e.cjs', 'lib/c.js', 'lib/d.mjs', 'src/a.ts', 'src/b.tsx']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(isReplayable(CODE), true);
  assert.equal(isReplayable(`var a=${'1,'.repeat(400)}0;`), false);
  assert.equal(isReplayable('  \n'), false);
  const files = Array.from({ length: 30 }, (_, i) => `f${String(i).padStart(2, '0')}.ts`);
  assert.deepEqual(sampleFiles(files, 5, 1), sampleFiles(files, 5, 1));
  assert.equal(sampleFiles(files, 5, 1).length, 5);
  assert.deepEqual(sampleFiles(files, undefined, 1), files);
});
