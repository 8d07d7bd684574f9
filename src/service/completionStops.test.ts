// Tests of where completions end: line shape at text, block shape at an empty line, blank-line
// and dedent stops, partial text that may still grow.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { completionShape, cutCompletion, trimUnfinished } from './completionStops';

test('completionStops: the cursor line decides the shape', () => {
  assert.deepEqual(completionShape("const headers = {\n  'Idempotency-Key': "), { kind: 'line' });
  assert.deepEqual(completionShape('def f():\n    '), { kind: 'block', indent: 4 });
  assert.deepEqual(completionShape('set -e\n\n'), { kind: 'block', indent: 0 });
  assert.deepEqual(completionShape(''), { kind: 'block', indent: 0 });
  assert.deepEqual(completionShape('if x:\n\t'), { kind: 'block', indent: 4 });
});

test('completionStops: a line completion ends at the end of the line', () => {
  const line = { kind: 'line' } as const;
  assert.deepEqual(cutCompletion('transaction.id,', line), { text: 'transaction.id,', done: false });
  assert.deepEqual(cutCompletion('transaction.id,\n    next', line), { text: 'transaction.id,', done: true });
  assert.deepEqual(cutCompletion('\nfoo', line), { text: '', done: true });
});

test('completionStops: a block ends at a blank line or a dedent, not before code', () => {
  const block = { kind: 'block', indent: 4 } as const;
  assert.deepEqual(cutCompletion('return a\n    b = 1\n\n    c', block), { text: 'return a\n    b = 1', done: true });
  assert.deepEqual(cutCompletion('return a\n    b = 1\nx = 2', block), { text: 'return a\n    b = 1', done: true });
  assert.deepEqual(cutCompletion('return a\n  ', block), { text: 'return a\n  ', done: false }, 'an indentation still being typed');
  assert.deepEqual(
    cutCompletion('\n\n## Title\n', { kind: 'block', indent: 0 }),
    { text: '\n\n## Title\n', done: false },
    'leading blank lines are not a stop',
  );
  assert.deepEqual(cutCompletion('## Title\ntext\n\nmore', { kind: 'block', indent: 0 }), { text: '## Title\ntext', done: true });
});

test('completionStops: a block that ran out of tokens keeps its whole lines', () => {
  const block = { kind: 'block', indent: 4 } as const;
  assert.equal(trimUnfinished('const a = 1;\n    if (value.l', block), 'const a = 1;');
  assert.equal(trimUnfinished('const a = 1;\n    b();\n\n    c', block), 'const a = 1;\n    b();');
  assert.equal(trimUnfinished('const result = await foo(', block), 'const result = await foo(', 'no whole line: kept');
  assert.equal(trimUnfinished('\n\n  x', block), '\n\n  x', 'only blank lines before: kept');
  assert.equal(trimUnfinished('transaction.id,\n', { kind: 'line' }), 'transaction.id,\n');
});
