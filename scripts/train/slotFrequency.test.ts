import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memorySlots, tinyConfig } from '../../src/model/config';
import { LanguageModel } from '../../src/model/languageModel';
import { initParameters } from '../../src/model/parameters';
import { slotDocumentFrequency } from './slotFrequency';

test('document frequency counts each slot once per batch that read it', async () => {
  const model = new LanguageModel(tinyConfig, initParameters(tinyConfig, 6));
  const [B, T] = [2, 8];
  const batches = [0, 1, 2].map(b => BigInt64Array.from({ length: B * T }, (_, i) => BigInt((i * 7 + b * 13) % tinyConfig.vocabSize)));
  const frequency = await slotDocumentFrequency(model, b => batches[b]!, 3, B, T);
  const expected = new Int32Array(memorySlots(tinyConfig));
  for (const tokens of batches) {
    const { reads } = await model.memoryAddress(tokens, B, T);
    for (const slot of new Set(reads.slots)) expected[slot]! += 1;
  }
  assert.deepEqual(frequency.counts, expected);
  assert.ok(Math.max(...expected) <= 3 && Math.max(...expected) > 0);
  assert.equal(frequency.usage, expected.filter(c => c > 0).length / expected.length);
  await model.dispose();
});
