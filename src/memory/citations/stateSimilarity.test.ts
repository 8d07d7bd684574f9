import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatStates, maxSim, States, unitStates } from './stateSimilarity';

const states = (...rows: number[][]): States => ({ rows: rows.length, width: rows[0]?.length ?? 0, data: Float32Array.from(rows.flat()) });

test('unitStates scales each position to unit length and keeps only [from, to)', () => {
  const residual = Float32Array.from([3, 4, 0, 2, 1, 0]); // three positions of width 2
  const kept = unitStates(residual, 2, 1, 3);
  assert.equal(kept.rows, 2);
  assert.deepEqual(Array.from(kept.data), [0, 1, 1, 0]);
  assert.equal(unitStates(residual, 2, 0, 10).rows, 3); // clipped to the positions there are
  assert.equal(unitStates(Float32Array.from([0, 0, 1, 0]), 2, 0, 2).rows, 1); // a zero state is left out
  assert.deepEqual(Array.from(residual), [3, 4, 0, 2, 1, 0]); // the input is not changed
});

test('maxSim averages each question state\'s best cosine with any note state', () => {
  const [x, y, d] = [[1, 0], [0, 1], [Math.SQRT1_2, Math.SQRT1_2]];
  assert.equal(maxSim(states(x, y), states(x, y)), 1);
  assert.ok(Math.abs(maxSim(states(x), states(y, d)) - Math.SQRT1_2) < 1e-7);
  // Order and repeats on the note's side do not matter; the question's side is averaged.
  assert.ok(Math.abs(maxSim(states(x, y), states(d, d, x)) - (1 + Math.SQRT1_2) / 2) < 1e-7);
  assert.equal(maxSim(states(), states(x)), -1);
  assert.equal(maxSim(states(x), states()), -1);
});

test('concatStates puts the rows of its parts one after another', () => {
  const joined = concatStates([states([1, 0]), states(), states([0, 1], [1, 0])], 2);
  assert.equal(joined.rows, 3);
  assert.deepEqual(Array.from(joined.data), [1, 0, 0, 1, 1, 0]);
});
