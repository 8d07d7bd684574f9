import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ortRuntime } from '../engine';
import { ModelConfig, tinyConfig } from './config';
import { LanguageModel, valueRowGradients } from './languageModel';
import { buildTrainingGraph, outputNames } from './modelGraphs';
import { Parameters, initParameters, memoryValuesName } from './parameters';
import { seededRandom } from './seededRandom';

const random = seededRandom(5);
const sequence = Array.from({ length: 12 }, () => random.int(tinyConfig.vocabSize));

function maxDifference(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

const configs: [string, ModelConfig][] = [['memory layer', tinyConfig]];

function parametersOf(config: ModelConfig, seed: number): Parameters {
  return initParameters(config, seed);
}

for (const [label, config] of configs)
  test(`prefill + extend + single-token decode give the logits and reads of one full prefill (${label})`, async () => {
    const model = new LanguageModel(config, parametersOf(config, 1));
    const full = await model.extend(model.newCache(), sequence);

    const cache = model.newCache();
    const first = await model.extend(cache, sequence.slice(0, 7));
    await model.extend(cache, sequence.slice(7, 11));
    const last = await model.extend(cache, sequence.slice(11));
    assert.equal(cache.length, 12);
    assert.ok(maxDifference(last.logits, full.logits) < 1e-4);
    const perPosition = config.pkm.heads * config.pkm.topK;
    assert.deepEqual(Array.from(last.reads!.slots), Array.from(full.reads!.slots.subarray(11 * perPosition)));
    assert.deepEqual(Array.from(first.reads!.slots), Array.from(full.reads!.slots.subarray(0, 7 * perPosition)));

    cache.truncate(7); // reuse a shared prefix, as completions do across keystrokes
    await model.extend(cache, sequence.slice(7, 11));
    const again = await model.extend(cache, sequence.slice(11));
    assert.ok(maxDifference(again.logits, full.logits) < 1e-4);
    await model.dispose();
  });

async function trainingRun(
  config: ModelConfig,
  parameters: Map<string, { data: Float32Array }>,
  tokens: BigInt64Array,
  targets: BigInt64Array,
  B: number,
  T: number,
  usageWeight = 0,
) {
  const session = await ortRuntime.load(buildTrainingGraph(config, B, T, { memoryUsageWeight: usageWeight }));
  const feeds: Record<string, Float32Array | BigInt64Array> = { tokens, targets };
  for (const [name, tensor] of parameters) feeds[name] = tensor.data;
  return session.run(feeds);
}

for (const [label, config] of configs)
  test(`training gradients (cross-entropy + memory usage loss) match finite differences along the gradient, for every parameter (${label})`, async () => {
    // The memory's top-k selection is piecewise constant: a finite difference is only valid where the
    // perturbation keeps the same slots, so each parameter tries smaller steps until it does.
    const [B, T] = [2, 8];
    const parameters = parametersOf(config, 2);
    const tokens = BigInt64Array.from({ length: B * T }, (_, i) => BigInt(sequence[i % 12]!));
    const targets = BigInt64Array.from({ length: B * T }, (_, i) => BigInt(sequence[(i + 1) % 12]!));
    const usageWeight = 0.5;
    const out = await trainingRun(config, parameters, tokens, targets, B, T, usageWeight);
    const usage = (out[outputNames.memoryUsageLoss]!.data as Float32Array)[0]!;
    assert.ok(usage > 0 && usage < Math.log(config.pkm.nKeys), `usage loss ${usage}`);
    const baseSlots = Array.from(out[outputNames.memorySlots]!.data as BigInt64Array).join(',');
    const lossIfSameSlots = async () => {
      const run = await trainingRun(config, parameters, tokens, targets, B, T, usageWeight);
      const same = Array.from(run[outputNames.memorySlots]!.data as BigInt64Array).join(',') === baseSlots;
      const objective = (run.loss!.data as Float32Array)[0]! + usageWeight * (run[outputNames.memoryUsageLoss]!.data as Float32Array)[0]!;
      return same ? objective : null;
    };
    let checked = 0;
    for (const [name, tensor] of parameters) {
      const gradient = out[outputNames.gradient(name)]!.data as Float32Array;
      const norm = Math.sqrt(gradient.reduce((a, v) => a + v * v, 0));
      assert.ok(norm > 1e-7, `${name}: no gradient reaches it`);
      const original = tensor.data.slice();
      for (const epsilon of [3e-3, 1e-3, 3e-4, 1e-4, 3e-5]) {
        tensor.data.set(original.map((v, i) => v + (epsilon * gradient[i]!) / norm));
        const plus = await lossIfSameSlots();
        tensor.data.set(original.map((v, i) => v - (epsilon * gradient[i]!) / norm));
        const minus = await lossIfSameSlots();
        tensor.data.set(original);
        if (plus === null || minus === null) continue;
        const numeric = (plus - minus) / (2 * epsilon);
        assert.ok(Math.abs(numeric - norm) < 0.03 * norm + 2e-4, `${name}: |grad| ${norm}, finite difference ${numeric}`);
        checked++;
        break;
      }
    }
    assert.ok(checked >= parameters.size - 3, `only ${checked} of ${parameters.size} parameters could be checked`);
  });

for (const [label, config] of configs)
  test(`memoryStates gives the write path's residual and reads for any length from one session (${label})`, async () => {
    const model = new LanguageModel(config, parametersOf(config, 4));
    for (const T of [12, 5]) {
      const tokens = sequence.slice(0, T);
      const states = await model.memoryStates(tokens);
      const address = await model.memoryAddress(BigInt64Array.from(tokens, BigInt), 1, T);
      assert.equal(states.residual.length, T * config.dModel);
      assert.ok(maxDifference(states.residual, address.residual) < 1e-4);
      assert.deepEqual(Array.from(states.reads.slots), Array.from(address.reads.slots));
      assert.ok(maxDifference(states.reads.weights, address.reads.weights) < 1e-4);
      // The inference path reads the same slots.
      const prefill = await model.extend(model.newCache(), tokens);
      assert.deepEqual(Array.from(states.reads.slots), Array.from(prefill.reads!.slots));
    }
    await assert.rejects(model.memoryStates([]), /memoryStates: 0 tokens/);
    await model.dispose();
  });

for (const [label, config] of configs)
  test(`the write path's halves reproduce the loss and the value-table gradient of the full model (${label})`, async () => {
    const [B, T] = [2, 8];
    const parameters = parametersOf(config, 3);
    const model = new LanguageModel(config, parameters);
    const tokens = BigInt64Array.from({ length: B * T }, (_, i) => BigInt(sequence[i % 12]!));
    const targets = BigInt64Array.from({ length: B * T }, (_, i) => BigInt(sequence[(i + 1) % 12]!));
    const full = await trainingRun(config, parameters, tokens, targets, B, T);

    const lower = await model.memoryAddress(tokens, B, T);
    const upper = await model.memoryUpper({ ...lower, targets, lossWeights: new Float32Array(B * T).fill(1) }, B, T);
    assert.ok(Math.abs(upper.loss - (full.loss!.data as Float32Array)[0]!) < 1e-5);

    const slotsRead = [...new Set(lower.reads.slots)];
    const rows = new Map(slotsRead.map((slot, row) => [slot, row]));
    const rowGradients = valueRowGradients(lower.reads, upper.outputGradient, rows, config.dModel);
    const tableGradient = full[outputNames.gradient(memoryValuesName(config))]!.data as Float32Array;
    const C = config.dModel;
    let largest = 0;
    for (const [slot, row] of rows) {
      for (let c = 0; c < C; c++) {
        largest = Math.max(largest, Math.abs(tableGradient[slot * C + c]!));
        assert.ok(Math.abs(rowGradients[row * C + c]! - tableGradient[slot * C + c]!) < 1e-6, `slot ${slot}`);
      }
    }
    assert.ok(largest > 1e-5, 'the value gradient is not trivially zero');
    await model.dispose();
  });

for (const [label, config] of configs)
  test(`final states: the last one is extend's state, and its logits with nothing added are extend's logits (${label})`, async () => {
    const model = new LanguageModel(config, parametersOf(config, 3));
    const step = await model.extend(model.newCache(), sequence);
    const C = config.dModel;
    const states = await model.finalStates(sequence);
    assert.equal(states.length, sequence.length * C);
    assert.ok(maxDifference(states.slice(-C), step.state) < 1e-5);
    const logits = await model.logitsOfStates(step.state, new Float32Array(C));
    assert.ok(maxDifference(logits, step.logits) < 1e-4);
    // Something added to the state moves the logits.
    const moved = await model.logitsOfStates(step.state, new Float32Array(C).fill(0.5));
    assert.ok(maxDifference(moved, step.logits) > 1e-3);
    await model.dispose();
  });

test("the keyed note memory's write objective: d(loss)/d(added) matches finite differences", async () => {
  const config = tinyConfig;
  const model = new LanguageModel(config, parametersOf(config, 4));
  const C = config.dModel;
  const rows = 4;
  const states = (await model.finalStates(sequence.slice(0, rows))).slice();
  const random = seededRandom(9);
  const added = Float32Array.from({ length: rows * C }, () => random.normal() * 0.5);
  const targets = BigInt64Array.from(sequence.slice(1, rows + 1), BigInt);
  const lossWeights = Float32Array.from([1, 0, 1, 1]);
  const { loss, outputGradient } = await model.stateUpper({ states, added, targets, lossWeights }, rows);
  assert.ok(Number.isFinite(loss));
  const eps = 1e-2;
  for (const i of [0, 3, C + 1, 2 * C + 5, 3 * C + C - 1]) {
    const plus = added.slice();
    plus[i] += eps;
    const minus = added.slice();
    minus[i] -= eps;
    const up = (await model.stateUpper({ states, added: plus, targets, lossWeights }, rows)).loss;
    const down = (await model.stateUpper({ states, added: minus, targets, lossWeights }, rows)).loss;
    const numeric = (up - down) / (2 * eps);
    assert.ok(
      Math.abs(numeric - outputGradient[i]!) < 1e-3 + 0.02 * Math.abs(numeric),
      `element ${i}: numeric ${numeric}, analytic ${outputGradient[i]}`,
    );
  }
  // A row with weight 0 gets no gradient.
  for (let c = 0; c < C; c++) assert.equal(outputGradient[C + c], 0);
  await model.dispose();
});

test("the write objective over every token as candidates equals the full softmax; predictions are each row's top tokens", async () => {
  const config = tinyConfig;
  const model = new LanguageModel(config, parametersOf(config, 6));
  const C = config.dModel;
  const rows = 3;
  const states = (await model.finalStates(sequence.slice(0, rows))).slice();
  const added = new Float32Array(rows * C).fill(0.1);
  const targets = BigInt64Array.from(sequence.slice(1, rows + 1), BigInt);
  const lossWeights = new Float32Array(rows).fill(1);
  const full = await model.stateUpper({ states, added, targets, lossWeights }, rows, { predictions: 2 });
  const ids = BigInt64Array.from({ length: config.vocabSize }, (_, i) => BigInt(i));
  const sampled = await model.stateUpper({ states, added, targets, lossWeights }, rows, {
    candidates: { ids, bias: new Float32Array(config.vocabSize) },
  });
  assert.ok(Math.abs(full.loss - sampled.loss) < 1e-4);
  assert.ok(maxDifference(full.outputGradient, sampled.outputGradient) < 1e-5);
  const logits = await model.logitsOfStates(states, added);
  for (let r = 0; r < rows; r++) {
    const row = logits.subarray(r * config.vocabSize, (r + 1) * config.vocabSize);
    const best = row.indexOf(Math.max(...row));
    assert.equal(Number(full.predicted![r * 2]!), best);
  }
  await model.dispose();
});
