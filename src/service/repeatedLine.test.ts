// Tests of the rest of a line the file typed before.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { repeatedLine, repeatedLineMatch } from './repeatedLine';

const LONG = { minMatch: 24, maxMatch: 200 };

test('repeatedLine: the rest of the earlier line after the longest repeated tail, its latest occurrence', () => {
  const prefix = 'if (x) return this._summary;\nfoo();\nif (y) return this._summary + 1;\nif (z) return this.';
  // "return this." repeats, but shorter than the floor: nothing, then with a lower floor the latest.
  assert.equal(repeatedLine(prefix, LONG), null);
  assert.equal(repeatedLine(prefix, { minMatch: 8, maxMatch: 200 }), '_summary + 1;');
  const calls = '  program.option("-d, --debug", "output extra debugging");\n  program.option("-d, --debug", ';
  assert.equal(repeatedLine(calls, LONG), '"output extra debugging");');
  // The default floor is short (8): the learned show decision weighs the matched length.
  assert.deepEqual(repeatedLineMatch(prefix), { line: '_summary + 1;', match: 14, occurrences: 2, agreeing: 2 });
  // `;\nlet x = ` occurred twice before, going on with `a2` and `b3`: the latest is proposed, one agrees.
  assert.deepEqual(repeatedLineMatch('let x = a1;\nlet x = a2;\nlet x = b3;\nlet x = ', { minMatch: 4, maxMatch: 200 }), {
    line: 'b3;',
    match: 10,
    occurrences: 2,
    agreeing: 1,
  });
});

test('repeatedLine: nothing when the tail is new, when the earlier line ends there, or for the tail itself', () => {
  assert.equal(repeatedLine('const alpha = computeSomethingLong(1);\nconst beta = other'), null);
  assert.equal(repeatedLine('  return someLongIdentifierName;\n  return someLongIdentifierName;'), null);
  assert.equal(repeatedLine('a'.repeat(10), LONG), null);
});
