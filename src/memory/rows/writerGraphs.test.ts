import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ortRuntime } from '../../engine';
import { tinyConfig } from '../../model/config';
import { LanguageModel } from '../../model/languageModel';
import { feedNames, outputNames } from '../../model/modelGraphs';
import { initParameters } from '../../model/parameters';
import { seededRandom } from '../../model/seededRandom';
import { candidateVocabulary, lossPositionsOf, packSequences } from '../intake/trainingBatch';
import { buildPackedAddressGraph, buildPackedUpperGraph, predictedOutput, writerFeedNames } from './writerGraphs';

const config = tinyConfig;
const C = config.dModel;

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

test('packed write graphs give each sequence what the model computes for it alone', async () => {
  const perPosition = config.pkm.heads * config.pkm.topK;
  const random = seededRandom(11);
  const sequences = [7, 8, 5].map((n) => ({ ids: Array.from({ length: n }, () => random.int(config.vocabSize)), lossFrom: 2 }));
  const parameters = initParameters(config, 4);
  const model = new LanguageModel(config, parameters);
  const batch = packSequences(sequences, { length: 16, rowMultiple: 2, padId: 0 });
  assert.equal(batch.rows, 2);
  const feeds = Object.fromEntries([...parameters].map(([name, tensor]) => [name, tensor.data]));
  const lower = await (await ortRuntime.load(buildPackedAddressGraph(config, batch.rows, 16))).run({
    ...feeds,
    [feedNames.tokens]: batch.tokens,
    [feedNames.mask]: batch.mask,
  });
  const lossAt = lossPositionsOf(batch, 8);
  assert.equal(lossAt.count, 16); // 5 + 6 + 3 loss targets, rounded up to a multiple of 8
  const upper = await (await ortRuntime.load(buildPackedUpperGraph(config, batch.rows, 16, lossAt.count))).run({
    ...feeds,
    [feedNames.memoryResidual]: lower[outputNames.memoryResidual]!.data,
    [feedNames.memoryOutput]: lower[outputNames.memoryOutput]!.data,
    [writerFeedNames.lossPositions]: lossAt.positions,
    [feedNames.targets]: lossAt.targets,
    [feedNames.lossWeights]: lossAt.weights,
    [feedNames.mask]: batch.mask,
  });
  const packedSlots = lower[outputNames.memorySlots]!.data as BigInt64Array;
  const packedOutput = lower[outputNames.memoryOutput]!.data as Float32Array;
  const packedGradient = upper[outputNames.gradient(outputNames.memoryOutput)]!.data as Float32Array;
  const totalWeight = batch.lossWeights.reduce((a, b) => a + b, 0);

  let weightedLoss = 0;
  for (const [i, sequence] of sequences.entries()) {
    const { row, offset, length } = batch.placements[i]!;
    const start = row * 16 + offset;
    const tokens = BigInt64Array.from(sequence.ids, BigInt);
    const alone = await model.memoryAddress(tokens, 1, length);
    assert.deepEqual(Array.from(packedSlots.subarray(start * perPosition, (start + length) * perPosition), Number), Array.from(alone.reads.slots));
    assert.ok(maxDifference(packedOutput.subarray(start * C, (start + length) * C), alone.output) < 1e-5);

    const targets = BigInt64Array.from({ length }, (_, j) => batch.targets[start + j]!);
    const lossWeights = batch.lossWeights.slice(start, start + length);
    const upperAlone = await model.memoryUpper({ ...alone, targets, lossWeights }, 1, length);
    const ownWeight = lossWeights.reduce((a, b) => a + b, 0);
    weightedLoss += upperAlone.loss * ownWeight;
    // The packed loss is the mean over all sequences' loss tokens, so each gradient is scaled by its share.
    const scaled = upperAlone.outputGradient.map((g) => (g * ownWeight) / totalWeight);
    assert.ok(maxDifference(packedGradient.subarray(start * C, (start + length) * C), scaled) < 1e-6, `sequence ${i}`);
  }
  assert.ok(Math.abs((upper[outputNames.loss]!.data as Float32Array)[0]! - weightedLoss / totalWeight) < 1e-5);
  await model.dispose();
});

test('the candidate softmax over every token (plus masked padding) equals the full softmax', async () => {
  const random = seededRandom(12);
  const sequences = [9, 6].map((n) => ({ ids: Array.from({ length: n }, () => random.int(config.vocabSize)), lossFrom: 1 }));
  const parameters = initParameters(config, 5);
  const batch = packSequences(sequences, { length: 16, padId: 0 });
  const lossAt = lossPositionsOf(batch, 8);
  const feeds = Object.fromEntries([...parameters].map(([name, tensor]) => [name, tensor.data]));
  const lower = await (await ortRuntime.load(buildPackedAddressGraph(config, batch.rows, 16))).run({ ...feeds, [feedNames.tokens]: batch.tokens, [feedNames.mask]: batch.mask });
  const common = {
    ...feeds,
    [feedNames.memoryResidual]: lower[outputNames.memoryResidual]!.data,
    [feedNames.memoryOutput]: lower[outputNames.memoryOutput]!.data,
    [writerFeedNames.lossPositions]: lossAt.positions,
    [feedNames.lossWeights]: lossAt.weights,
    [feedNames.mask]: batch.mask,
  };
  const full = await (await ortRuntime.load(buildPackedUpperGraph(config, batch.rows, 16, lossAt.count, { kind: 'full', predictions: 3 }))).run({ ...common, [feedNames.targets]: lossAt.targets });
  const predicted = full[predictedOutput]!.data as BigInt64Array;
  assert.equal(predicted.length, lossAt.count * 3);
  const everyToken = Array.from({ length: config.vocabSize }, (_, i) => i);
  const vocabulary = candidateVocabulary(lossAt, predicted, everyToken, 48); // 64 tokens -> K = 96, 32 of them padding
  assert.equal(vocabulary.count, 96);
  const sampled = await (await ortRuntime.load(buildPackedUpperGraph(config, batch.rows, 16, lossAt.count, { kind: 'candidates', count: 96 }))).run({
    ...common,
    [feedNames.targets]: vocabulary.targets,
    [writerFeedNames.candidateIds]: vocabulary.ids,
    [writerFeedNames.candidateBias]: vocabulary.bias,
  });
  const loss = (out: typeof full) => (out[outputNames.loss]!.data as Float32Array)[0]!;
  assert.ok(Math.abs(loss(full) - loss(sampled)) < 1e-5, `${loss(full)} vs ${loss(sampled)}`);
  const gradient = (out: typeof full) => out[outputNames.gradient(outputNames.memoryOutput)]!.data as Float32Array;
  assert.ok(maxDifference(gradient(full), gradient(sampled)) < 1e-6);
  // With fewer candidates the normaliser is smaller, so the loss can only go down.
  const fewer = candidateVocabulary(lossAt, null, [], 8);
  const small = await (await ortRuntime.load(buildPackedUpperGraph(config, batch.rows, 16, lossAt.count, { kind: 'candidates', count: fewer.count }))).run({
    ...common,
    [feedNames.targets]: fewer.targets,
    [writerFeedNames.candidateIds]: fewer.ids,
    [writerFeedNames.candidateBias]: fewer.bias,
  });
  assert.ok(loss(small) < loss(full));
});
