import assert from 'node:assert/strict';
import { test } from 'node:test';
import { warmupCosine } from './schedule';

test('warmup rises linearly, cosine falls to the floor', () => {
  const s = warmupCosine({ warmupSteps: 4, totalSteps: 104, minFactor: 0.1 });
  assert.deepEqual([0, 1, 2, 3].map(s), [0.25, 0.5, 0.75, 1]);
  assert.equal(s(4), 1);
  assert.ok(Math.abs(s(54) - 0.55) < 1e-12); // halfway: the mean of 1 and the floor
  assert.ok(Math.abs(s(103) - 0.1) < 1e-3);
  assert.equal(s(500), 0.1);
  for (let i = 5; i < 104; i++) assert.ok(s(i) <= s(i - 1));
});
