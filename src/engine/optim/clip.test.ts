import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clipGradNorm, globalNorm } from './clip';

test('global-norm clipping scales all gradients together, only above the limit', () => {
  const a = Float32Array.from([3, 0]);
  const b = Float32Array.from([0, 4]);
  assert.equal(globalNorm([a, b]), 5);
  assert.equal(clipGradNorm([a, b], 10), 5);
  assert.deepEqual(Array.from(a), [3, 0]);
  assert.equal(clipGradNorm([a, b], 1), 5);
  assert.ok(Math.abs(globalNorm([a, b]) - 1) < 1e-6);
  assert.ok(Math.abs(a[0] / b[1] - 0.75) < 1e-6);
});
