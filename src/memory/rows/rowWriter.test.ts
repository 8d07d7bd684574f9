import assert from 'node:assert/strict';
import { test } from 'node:test';
import { valueRowGradients } from '../../model/languageModel';
import { loadTokenizer } from '../../model/tokenizer';
import { lossFromOf, lossMaskOf, MemoryWriter, readsOfSlots, sgdStep, WriteProgress } from './rowWriter';

import { valueTableOf, writeRows } from './valueTable';
import { writerTestBackground, writerTestModel } from './writerTestModel';
import { encodeTrainingSequence } from '../intake/trainingSequence';
import { seededRandom } from '../../model/seededRandom';

const tokenizer = loadTokenizer();
const note = { text: 'The billing service retries webhooks with the RETRY_BUDGET of 7 attempts, since Stripe drops them after an hour.', kind: 'decision' as const };
const settings = { slots: 8, learningRate: 100, maxSteps: 6, lossThreshold: 0, minSequences: 16, maxSequences: 24, rowScaling: 'none' as const, candidateTokens: 0, measureLoss: true };

test('a write trains a copy of t chosen rows, lowers the note loss and leaves the live table alone', async () => {
  const model = writerTestModel();
  const table = valueTableOf(model);
  const before = table.data.slice();
  const writer = new MemoryWriter(model, tokenizer, writerTestBackground(), { settings });
  const progress: WriteProgress[] = [];
  const write = await writer.train(note, { onProgress: (p) => progress.push(p) });

  assert.equal(write.slots.length, 8);
  assert.deepEqual(write.slots, [...write.slots].sort((a, b) => a - b));
  assert.ok(write.slots.every((slot) => slot % 4 !== 0), 'slots every background batch reads have idf 0');
  assert.deepEqual(table.data, before, 'train() must not change the live table');
  const C = table.rowWidth;
  write.slots.forEach((slot, i) => assert.deepEqual(write.prev.subarray(i * C, (i + 1) * C), before.subarray(slot * C, (slot + 1) * C)));
  assert.ok(write.next.some((v, i) => v !== write.prev[i]));
  assert.equal(write.steps, 6);
  assert.equal(write.stop, 'max_steps');
  assert.equal(write.losses.length, 6);
  assert.ok(write.losses[5]! < write.losses[0]! - 0.05, `loss ${write.losses[0]} -> ${write.losses[5]}`);
  assert.ok(write.sequences >= 16 && write.lossTokens > 0 && write.lossTokens < write.tokens);
  assert.deepEqual(progress.slice(0, 2).map((p) => p.phase), ['prepare', 'address']);
  assert.deepEqual(progress.filter((p) => p.phase === 'train').map((p) => p.step), [0, 1, 2, 3, 4, 5]);

  // The cached memory output was kept in step with the rows: with the rows after 5 steps in the
  // table, a fresh write measures the loss the 6th step measured from its cached output.
  const five = await writer.train(note, { settings: { maxSteps: 5 } });
  assert.deepEqual(five.losses, write.losses.slice(0, 5));
  writeRows(table, five.slots, five.next);
  const again = await writer.train(note, { settings: { maxSteps: 0 } });
  assert.ok(Math.abs(again.losses[0]! - write.losses[5]!) < 1e-4, `${again.losses[0]} vs ${write.losses[5]}`);
  assert.equal(again.steps, 0);
  assert.deepEqual(again.next, again.prev);
  const unmeasured = await writer.train(note, { settings: { maxSteps: 0, measureLoss: false } });
  assert.deepEqual(unmeasured.losses, [], 'no loss pass when nothing trains and nobody reads the loss');
  assert.deepEqual(unmeasured.slots, again.slots);
  assert.deepEqual(unmeasured.next, unmeasured.prev);
  await writer.dispose();

  await model.dispose();
});

test('sampled-softmax steps (candidates from a full pass) lower the full-vocabulary loss too', async () => {
  const model = writerTestModel(9);
  const table = valueTableOf(model);
  const writer = new MemoryWriter(model, tokenizer, writerTestBackground(), { settings: { ...settings, candidateTokens: 4, candidateRefresh: 3 } });
  const write = await writer.train(note);
  assert.equal(write.steps, 6);
  writeRows(table, write.slots, write.next);
  const after = await writer.train(note, { settings: { maxSteps: 0, candidateTokens: 0 } });
  assert.ok(after.losses[0]! < write.losses[0]! - 0.05, `full loss ${write.losses[0]} -> ${after.losses[0]}`);
  await writer.dispose();
  await model.dispose();
});

test('the loss threshold stops early; an abort rejects and changes nothing', async () => {
  const model = writerTestModel(8);
  const table = valueTableOf(model);
  const before = table.data.slice();
  const writer = new MemoryWriter(model, tokenizer, writerTestBackground(), { settings });
  const early = await writer.train(note, { settings: { lossThreshold: 1e6 } });
  assert.equal(early.stop, 'threshold');
  assert.equal(early.steps, 0);
  assert.deepEqual(early.next, early.prev);

  const controller = new AbortController();
  const aborted = writer.train(note, {
    signal: controller.signal,
    onProgress: (p) => {
      if (p.phase === 'train' && p.step === 2) controller.abort();
    },
  });
  await assert.rejects(aborted, { name: 'AbortError' });
  assert.deepEqual(table.data, before);
  await assert.rejects(writer.train(note, { settings: { slots: -1 } }), /slots/);
  await assert.rejects(writer.train(note, { settings: { learningRate: 0 } }), /learningRate/);
  await writer.dispose();
  await model.dispose();
});

test('an SGD step moves rows by -lr * the chain-rule gradient and carries the change into the output', () => {
  const random = seededRandom(3);
  const [positions, heads, topK, C] = [5, 2, 3, 4];
  const reads = {
    positions,
    heads,
    topK,
    slots: Int32Array.from({ length: positions * heads * topK }, () => random.int(6)),
    weights: Float32Array.from({ length: positions * heads * topK }, () => random.next()),
  };
  const chosen = new Map([[1, 0], [4, 1]]);
  const dOutput = Float32Array.from({ length: positions * C }, () => random.normal());
  const rows = Float32Array.from({ length: 2 * C }, () => random.normal());
  const output = Float32Array.from({ length: positions * C }, () => random.normal());
  const [rowsBefore, outputBefore] = [rows.slice(), output.slice()];
  sgdStep(readsOfSlots(reads, chosen), dOutput, rows, output, C, 0.5);
  const gradient = valueRowGradients(reads, dOutput, chosen, C);
  rows.forEach((v, j) => assert.ok(Math.abs(v - (rowsBefore[j]! - 0.5 * gradient[j]!)) < 1e-5));
  for (let t = 0; t < positions; t++) {
    for (let c = 0; c < C; c++) {
      let expected = outputBefore[t * C + c]!;
      for (let r = 0; r < heads * topK; r++) {
        const row = chosen.get(reads.slots[t * heads * topK + r]!);
        if (row !== undefined) expected += reads.weights[t * heads * topK + r]! * (rows[row * C + c]! - rowsBefore[row * C + c]!);
      }
      assert.ok(Math.abs(output[t * C + c]! - expected) < 1e-5);
    }
  }
});

test('file sequences count the loss from the contents, exchanges from the answer', () => {
  const file = { form: 'note' as const, layout: 'file' as const, path: 'NOTES.md', contents: 'Use pnpm.\n' };
  const ids = encodeTrainingSequence(tokenizer, file);
  assert.equal(tokenizer.decode(ids.slice(lossFromOf(tokenizer, file, ids))), 'Use pnpm.\n<|endoftext|>');
  const exchange = { form: 'qa' as const, layout: 'exchange' as const, question: 'Which package manager?', answer: 'pnpm' };
  const qa = encodeTrainingSequence(tokenizer, exchange);
  assert.equal(tokenizer.decode(qa.slice(lossFromOf(tokenizer, exchange, qa))), 'pnpm<|endoftext|>');
});

test('countScope loss: the slot counts see only positions whose target the loss counts', () => {
  const lossAt = { count: 4, positions: BigInt64Array.from([2n, 5n, 7n, 0n]), targets: new BigInt64Array(4), weights: Float32Array.from([1, 1, 1, 0]) };
  const mask = lossMaskOf(lossAt, 8);
  assert.deepEqual(Array.from(mask), [0, 0, 1, 0, 0, 1, 0, 1]);
});

test('the writer keeps at most six sessions, releasing the least recently used shape', async () => {
  const writer = new MemoryWriter(writerTestModel(), tokenizer, writerTestBackground(), { settings: { ...settings, maxSteps: 1 } });
  const sentence = 'The cache layer stores rendered pages for ten minutes because the upstream API is slow.';
  const seen = new Set<string>();
  for (let n = 1; n <= 6; n++) {
    // Longer notes pack into more rows: a new batch shape, so new sessions.
    await writer.train({ text: Array.from({ length: n }, () => sentence).join(' ') });
    for (const key of writer.sessionKeys()) seen.add(key);
    assert.ok(writer.sessionKeys().length <= 6, `${writer.sessionKeys().length} sessions after note ${n}`);
  }
  assert.ok(seen.size > 6, `only ${seen.size} shapes were used, the cap was never reached`);
  const again = await writer.train(note); // the first shape was evicted and is rebuilt
  assert.ok(again.steps === 1);
  await writer.dispose();
});
