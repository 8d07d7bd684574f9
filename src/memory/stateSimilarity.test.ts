import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maxSim, unitStates } from './stateSimilarity';

test('unitStates scales each position to unit length and keeps only [from, to)', () => {
  const residual = Float32Array.from([3, 4, 0, 2, 1, 0]); // three positions of width 2
  const states = unitStates(residual, 2, 1, 3);
  assert.equal(states.length, 2);
  assert.deepEqual(Array.from(states[0]!), [0, 1]);
  assert.deepEqual(Array.from(states[1]!), [1, 0]);
  assert.equal(unitStates(residual, 2, 0, 10).length, 3); // clipped to the positions there are
  assert.deepEqual(Array.from(residual), [3, 4, 0, 2, 1, 0]); // the input is not changed
});

test('maxSim averages each question state\'s best cosine with any note state', () => {
  const [x, y] = [Float32Array.from([1, 0]), Float32Array.from([0, 1])];
  const diagonal = Float32Array.from([Math.SQRT1_2, Math.SQRT1_2]);
  assert.equal(maxSim([x, y], [x, y]), 1);
  assert.ok(Math.abs(maxSim([x], [y, diagonal]) - Math.SQRT1_2) < 1e-7);
  // Order and repeats on the note's side do not matter; the question's side is averaged.
  assert.ok(Math.abs(maxSim([x, y], [diagonal, diagonal, x]) - (1 + Math.SQRT1_2) / 2) < 1e-7);
  assert.equal(maxSim([], [x]), -1);
  assert.equal(maxSim([x], []), -1);
});
