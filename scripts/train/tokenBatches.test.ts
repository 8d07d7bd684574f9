import { test } from "node:test";
import assert from "node:assert/strict";
import { batchAt, evaluationBatches } from "./tokenBatches";

const main = Uint16Array.from({ length: 1000 }, (_, i) => i);
const qa = Uint16Array.from({ length: 100 }, (_, i) => 5000 + i);

test("the batch of a step is a pure function of (seed, step); targets are tokens shifted by one", () => {
  const source = { main, qa, qaShare: 0.3 };
  const a = batchAt(source, 7, 12, 4, 8);
  assert.deepEqual(batchAt(source, 7, 12, 4, 8), a);
  assert.notDeepEqual(batchAt(source, 7, 13, 4, 8).tokens, a.tokens);
  for (let row = 0; row < 4; row++) {
    for (let t = 0; t < 7; t++) assert.equal(a.targets[row * 8 + t], a.tokens[row * 8 + t + 1]);
    assert.equal(a.targets[row * 8 + 7], a.tokens[row * 8 + 7]! + 1n); // consecutive ids in this fake corpus
  }
});

test("the question/answer share is respected", () => {
  const source = { main, qa, qaShare: 0.25 };
  let qaRows = 0;
  for (let step = 0; step < 200; step++) {
    const { tokens } = batchAt(source, 1, step, 4, 8);
    for (let row = 0; row < 4; row++) if (tokens[row * 8]! >= 5000n) qaRows++;
  }
  assert.ok(Math.abs(qaRows / 800 - 0.25) < 0.05, `qa share ${qaRows / 800}`);
});

test("evaluation batches are consecutive windows, the same on every call", () => {
  const batches = evaluationBatches(main, 2, 10, 3);
  assert.deepEqual(evaluationBatches(main, 2, 10, 3), batches);
  assert.equal(batches[0]!.tokens[0], 0n);
  assert.equal(batches[0]!.tokens[10], 10n);
  assert.equal(batches[1]!.tokens[0], 20n);
});
