import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deriveSeed, seededRandom } from './seededRandom';

test('the same seed gives the same stream, another seed another', () => {
  const a = seededRandom(7);
  const b = seededRandom(7);
  const c = seededRandom(8);
  const first = Array.from({ length: 5 }, () => a.next());
  assert.deepEqual(
    first,
    Array.from({ length: 5 }, () => b.next()),
  );
  assert.notDeepEqual(
    first,
    Array.from({ length: 5 }, () => c.next()),
  );
});

test('normal draws have mean ~0 and variance ~1', () => {
  const random = seededRandom(1);
  const n = 20_000;
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < n; i++) {
    const x = random.normal();
    sum += x;
    sumSquares += x * x;
  }
  assert.ok(Math.abs(sum / n) < 0.03);
  assert.ok(Math.abs(sumSquares / n - 1) < 0.05);
});

test('derived seeds differ per stream', () => {
  assert.notEqual(deriveSeed(1, 0), deriveSeed(1, 1));
  assert.equal(deriveSeed(3, 9), deriveSeed(3, 9));
});
