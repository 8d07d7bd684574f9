import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ortRuntime } from '../../engine';
import { tinyConfig } from '../../model/config';
import { LanguageModel } from '../../model/languageModel';
import { feedNames, outputNames } from '../../model/modelGraphs';
import { initParameters } from '../../model/parameters';
import { seededRandom } from '../../model/seededRandom';
import { packSequences } from '../intake/trainingBatch';
import { buildPackedAddressGraph } from './writerGraphs';

const config = tinyConfig;

test('the packed address graph reads for each sequence what the model reads for it alone', async () => {
  const perPosition = config.pkm.heads * config.pkm.topK;
  const random = seededRandom(11);
  const sequences = [7, 8, 5].map(n => ({ ids: Array.from({ length: n }, () => random.int(config.vocabSize)), lossFrom: 2 }));
  const parameters = initParameters(config, 4);
  const model = new LanguageModel(config, parameters);
  const batch = packSequences(sequences, { length: 16, rowMultiple: 2, padId: 0 });
  assert.equal(batch.rows, 2);
  const feeds = Object.fromEntries([...parameters].map(([name, tensor]) => [name, tensor.data]));
  const lower = await (
    await ortRuntime.load(buildPackedAddressGraph(config, batch.rows, 16))
  ).run({
    ...feeds,
    [feedNames.tokens]: batch.tokens,
    [feedNames.mask]: batch.mask,
  });
  const packedSlots = lower[outputNames.memorySlots]!.data as BigInt64Array;
  const packedWeights = lower[outputNames.memoryWeights]!.data as Float32Array;
  for (const [i, sequence] of sequences.entries()) {
    const { row, offset, length } = batch.placements[i]!;
    const start = row * 16 + offset;
    const alone = await model.memoryAddress(BigInt64Array.from(sequence.ids, BigInt), 1, length);
    assert.deepEqual(
      Array.from(packedSlots.subarray(start * perPosition, (start + length) * perPosition), Number),
      Array.from(alone.reads.slots),
      `sequence ${i}`,
    );
    const weights = packedWeights.subarray(start * perPosition, (start + length) * perPosition);
    assert.ok(
      weights.every((w, j) => Math.abs(w - alone.reads.weights[j]!) < 1e-5),
      `sequence ${i}`,
    );
  }
  await model.dispose();
});
