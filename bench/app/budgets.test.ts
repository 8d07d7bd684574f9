import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BUDGETS, within } from './budgets';
import { summarize } from './latencySummary';

test('budgets are DESIGN.md §7: completion 50/150 ms, write 1 s, first token 200 ms, activation 300 ms', () => {
  assert.equal(BUDGETS.completionP50.maxMs, 50);
  assert.equal(BUDGETS.completionP95.maxMs, 150);
  assert.equal(BUDGETS.writeP50.maxMs, 1000);
  assert.equal(BUDGETS.chatFirstToken.maxMs, 200);
  assert.equal(BUDGETS.activation.maxMs, 300);
});

test('within: at the budget is within, over it is not, nothing measured is null', () => {
  assert.equal(within(50, BUDGETS.completionP50), true);
  assert.equal(within(50.1, BUDGETS.completionP50), false);
  assert.equal(within(null, BUDGETS.completionP50), null);
  assert.equal(within(Number.NaN, BUDGETS.completionP50), null);
});

test('summarize: interpolated percentiles of the latencies', () => {
  const s = summarize([10, 20, 30, 40, 100]);
  assert.equal(s.n, 5);
  assert.equal(s.p50, 30);
  assert.equal(s.p95, 88);
  assert.equal(s.max, 100);
  assert.equal(summarize([]).p50, null);
});
