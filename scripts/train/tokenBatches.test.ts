import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluationBatches, fromWindows } from './tokenBatches';

test('windows split into inputs and targets shifted by one', () => {
  const windows = Int32Array.from([1, 2, 3, 4, 10, 11, 12, 13]); // B = 2, T = 3
  const batch = fromWindows(windows, 2, 3);
  assert.deepEqual(Array.from(batch.tokens, Number), [1, 2, 3, 10, 11, 12]);
  assert.deepEqual(Array.from(batch.targets, Number), [2, 3, 4, 11, 12, 13]);
});

test('evaluation batches are consecutive windows, the same on every call', () => {
  const data = Uint16Array.from({ length: 1000 }, (_, i) => i);
  const batches = evaluationBatches(data, 2, 10, 3);
  assert.deepEqual(evaluationBatches(data, 2, 10, 3), batches);
  assert.equal(batches[0]!.tokens[0], 0n);
  assert.equal(batches[0]!.targets[9], 10n);
  assert.equal(batches[0]!.tokens[10], 10n);
  assert.equal(batches[1]!.tokens[0], 20n);
});
