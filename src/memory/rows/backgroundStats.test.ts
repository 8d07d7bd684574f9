import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tinyConfig } from '../../model/config';
import { LanguageModel } from '../../model/languageModel';
import { initParameters } from '../../model/parameters';
import { seededRandom } from '../../model/seededRandom';
import { countDocumentFrequency, mergeBackgrounds, noBackgroundStats } from './backgroundStats';

test('df counts, per document, the slots its lookup read at least once', async () => {
  const config = tinyConfig;
  const model = new LanguageModel(config, initParameters(config, 3));
  const random = seededRandom(4);
  const windows = Array.from({ length: 5 }, () => Array.from({ length: 8 }, () => random.int(config.vocabSize)));
  const stats = await countDocumentFrequency(model, windows, 8, { batch: 2 });
  assert.equal(stats.batches, 5);
  const perPosition = config.pkm.heads * config.pkm.topK;
  const expected = new Int32Array(64);
  for (const window of windows) {
    const { reads } = await model.memoryAddress(BigInt64Array.from(window, BigInt), 1, 8);
    for (const slot of new Set(reads.slots)) expected[slot]! += 1;
    assert.equal(reads.slots.length, 8 * perPosition);
  }
  assert.deepEqual(stats.documentFrequency, expected);
  // Documents of 4 tokens: twice as many documents, and no slot counted more often than it can be.
  const halves = await countDocumentFrequency(model, windows, 8, { batch: 3, segment: 4 });
  assert.equal(halves.batches, 10);
  assert.ok(halves.documentFrequency.every((df, slot) => df >= expected[slot]! && df <= 2 * expected[slot]!));
  await assert.rejects(countDocumentFrequency(model, windows, 8, { segment: 3 }), /must divide/);
  await model.dispose();
});

test("merging takes each slot's highest share over the largest |B|", () => {
  const merged = mergeBackgrounds([
    { documentFrequency: Int32Array.from([10, 0, 5]), batches: 10 },
    { documentFrequency: Int32Array.from([1, 20, 2]), batches: 20 },
  ]);
  assert.equal(merged.batches, 20);
  assert.deepEqual(Array.from(merged.documentFrequency), [20, 20, 10]);
  assert.equal(noBackgroundStats(tinyConfig).batches, 0);
  assert.throws(() => mergeBackgrounds([]), /nothing/);
});
