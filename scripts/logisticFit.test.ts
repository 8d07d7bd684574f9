// Tests of the logistic fit the show decision's coefficients come from.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deriveSeed, seededRandom } from '../src/model/seededRandom';
import { fitLogistic, LogisticRow, sigmoid } from './logisticFit';

test('fitLogistic: recovers the weights that drew the labels', () => {
  const random = seededRandom(deriveSeed(7, 1));
  const truth = [-1, 2, -0.5];
  const rows: LogisticRow[] = [];
  for (let i = 0; i < 4000; i++) {
    const x = [1, random.next() * 4 - 2, random.next() * 4 - 2];
    const p = sigmoid(truth[0]! * x[0]! + truth[1]! * x[1]! + truth[2]! * x[2]!);
    rows.push({ x, y: random.next() < p ? 1 : 0 });
  }
  const w = fitLogistic(rows, 0);
  for (const [i, t] of truth.entries()) assert.ok(Math.abs(w[i]! - t) < 0.25, `weight ${i}: ${w[i]} vs ${t}`);
  // The penalty pulls the weights (not the bias) towards 0.
  const shrunk = fitLogistic(rows, 1000);
  assert.ok(Math.abs(shrunk[1]!) < Math.abs(w[1]!));
});
