import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sgdRows, sgdRowsFromTableGradient } from './rowSgd';

test('only the selected rows move, by lr times their gradient', () => {
  const table = Float32Array.from([1, 1, 2, 2, 3, 3, 4, 4]); // 4 rows x 2
  sgdRows(table, 2, [2, 0], Float32Array.from([1, 2, 10, 20]), 0.5);
  assert.deepEqual(Array.from(table), [-4, -9, 2, 2, 2.5, 2, 4, 4]);
  assert.throws(() => sgdRows(table, 2, [4], Float32Array.from([1, 1]), 1), /outside 0..3/);
  assert.throws(() => sgdRows(table, 2, [1], Float32Array.from([1]), 1), /need 2 gradient values/);
});

test('rows taken from a whole-table gradient are applied once each', () => {
  const table = new Float32Array(6); // 3 rows x 2
  const gradient = Float32Array.from([1, 1, 5, 5, 9, 9]);
  sgdRowsFromTableGradient(table, 2, [1, 1, 2], gradient, 1);
  assert.deepEqual(Array.from(table), [0, 0, -5, -5, -9, -9]);
});
