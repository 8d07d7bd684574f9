// Tests of loop detection at the end of generated tokens.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loopCut } from './repetition';

test('repetition: a run repeated three times is cut to one copy; short repeats are left alone', () => {
  assert.equal(loopCut([1, 2, 3, 4, 5, 6]), null);
  assert.equal(loopCut([9, 1, 2, 1, 2, 1, 2]), 3, 'keeps 9, 1, 2');
  assert.equal(loopCut([7, 5, 6, 8, 5, 6, 8, 5, 6, 8]), 4);
  assert.equal(loopCut([1, 2, 1, 2]), null, 'two copies are not a loop yet');
  assert.equal(loopCut([0, 0, 0, 0, 0]), null, 'a few equal tokens are fine ("0000")');
  assert.equal(loopCut([3, ...new Array(8).fill(4)]), 2);
});
