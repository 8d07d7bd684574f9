import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadTokenizer } from '../../model/tokenizer';
import { lossFromOf, lossMaskOf, MemoryWriter, WriteProgress } from './rowWriter';

import { valueTableOf } from './valueTable';
import { writerTestBackground, writerTestModel } from './writerTestModel';
import { encodeTrainingSequence } from '../intake/trainingSequence';

const tokenizer = loadTokenizer();
const note = {
  text: 'The billing service retries webhooks with the RETRY_BUDGET of 7 attempts, since Stripe drops them after an hour.',
  kind: 'decision' as const,
};
const settings = { slots: 8, minSequences: 16, maxSequences: 24 };

test('a write chooses t rows by their reads and records them as they are; the live table is left alone', async () => {
  const model = writerTestModel();
  const table = valueTableOf(model);
  const before = table.data.slice();
  const writer = new MemoryWriter(model, tokenizer, writerTestBackground(), { settings });
  const progress: WriteProgress[] = [];
  const write = await writer.train(note, { onProgress: p => progress.push(p) });

  assert.equal(write.slots.length, 8);
  assert.deepEqual(
    write.slots,
    [...write.slots].sort((a, b) => a - b),
  );
  assert.ok(
    write.slots.every(slot => slot % 4 !== 0),
    'slots every background batch reads have idf 0',
  );
  assert.deepEqual(table.data, before, 'train() must not change the live table');
  const C = table.rowWidth;
  write.slots.forEach((slot, i) => assert.deepEqual(write.prev.subarray(i * C, (i + 1) * C), before.subarray(slot * C, (slot + 1) * C)));
  assert.deepEqual(write.next, write.prev, 'no row moves: the note is learned in the keyed note memory');
  assert.ok(write.sequences >= 16 && write.lossTokens > 0 && write.lossTokens < write.tokens);
  assert.ok(write.slotsRead >= write.slots.length);
  assert.deepEqual(
    progress.map(p => p.phase),
    ['prepare', 'address'],
  );
  // The same note chooses the same rows; a note owning none of them is not pushed off them.
  assert.deepEqual((await writer.train(note)).slots, write.slots);
  await writer.dispose();
  await model.dispose();
});

test('an abort rejects and changes nothing; bad settings are refused', async () => {
  const model = writerTestModel(8);
  const table = valueTableOf(model);
  const before = table.data.slice();
  const writer = new MemoryWriter(model, tokenizer, writerTestBackground(), { settings });
  const controller = new AbortController();
  const aborted = writer.train(note, {
    signal: controller.signal,
    onProgress: p => {
      if (p.phase === 'address') controller.abort();
    },
  });
  await assert.rejects(aborted, { name: 'AbortError' });
  assert.deepEqual(table.data, before);
  await assert.rejects(writer.train(note, { settings: { slots: -1 } }), /slots/);
  await assert.rejects(writer.train(note, { settings: { ownedSlotWeight: 2 } }), /ownedSlotWeight/);
  await writer.dispose();
  await model.dispose();
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
  const lossAt = {
    count: 4,
    positions: BigInt64Array.from([2n, 5n, 7n, 0n]),
    targets: new BigInt64Array(4),
    weights: Float32Array.from([1, 1, 1, 0]),
  };
  const mask = lossMaskOf(lossAt, 8);
  assert.deepEqual(Array.from(mask), [0, 0, 1, 0, 0, 1, 0, 1]);
});

test('the writer keeps at most six sessions, releasing the least recently used shape', async () => {
  const writer = new MemoryWriter(writerTestModel(), tokenizer, writerTestBackground(), { settings });
  const sentence = 'The cache layer stores rendered pages for ten minutes because the upstream API is slow.';
  const seen = new Set<string>();
  // Longer notes with more sequences pack into more rows: a new batch shape, so a new session.
  const shapes = [...Array.from({ length: 16 }, (_, i) => [1 + ((i + 1) % 5), 4 * (i + 1)] as const), [12, 96] as const];
  for (const [n, sequences] of shapes) {
    const text = Array.from({ length: n }, () => sentence).join(' ');
    await writer.train({ text }, { settings: { minSequences: sequences, maxSequences: sequences } });
    for (const key of writer.sessionKeys()) seen.add(key);
    assert.ok(writer.sessionKeys().length <= 6, `${writer.sessionKeys().length} sessions after ${n} sentence(s)`);
  }
  assert.ok(seen.size > 6, `only ${seen.size} shapes were used, the cap was never reached`);
  const again = await writer.train(note); // the first shape was evicted and is rebuilt
  assert.equal(again.slots.length, 8);
  await writer.dispose();
});
