import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder, exportOnnx, ortRuntime } from '../engine';
import { tinyConfig } from './config';
import { initParameters, parameterNames } from './parameters';
import { pkmLayer, pkmWeightsOf } from './pkm';
import { pkmLookupReference } from './pkmReference';
import { seededRandom } from './seededRandom';
import { declareParameters } from './transformer';

for (const scoreScale of [undefined, 8])
  test(`the ONNX memory layer matches the pure-TypeScript reference: slots, weights and output (scoreScale ${scoreScale ?? 'absent'})`, async () => {
    const config = { ...tinyConfig, pkm: { nKeys: 8, heads: 3, topK: 4, keyDim: 8, ...(scoreScale ? { scoreScale } : {}) } };
    const [B, T, C] = [2, 5, config.dModel];
    const layer = config.memoryLayer;
    const g = new GraphBuilder();
    const w = declareParameters(g, config);
    const x = g.input('x', 'float32', [B, T, C]);
    const { output, address } = pkmLayer(g, config, pkmWeightsOf(w, layer), x);
    const model = exportOnnx({ output, slots: address.slots, weights: address.weights });
    const session = await ortRuntime.load(model);

    const parameters = initParameters(config, 11);
    const random = seededRandom(12);
    const xData = new Float32Array(B * T * C).map(() => random.normal());
    const feeds: Record<string, Float32Array> = { x: xData };
    for (const [name, tensor] of parameters) feeds[name] = tensor.data;
    const result = await session.run(feeds);

    const reference = pkmLookupReference(
      xData,
      C,
      config.pkm,
      {
        wQuery: parameters.get(parameterNames.pkmQuery(layer))!.data,
        queryNorm: parameters.get(parameterNames.pkmQueryNorm(layer))!.data,
        subKeys: parameters.get(parameterNames.pkmSubKeys(layer))!.data,
        values: parameters.get(parameterNames.pkmValues(layer))!.data,
      },
      config.normEps,
    );
    assert.deepEqual(result.slots!.shape, [B, T, config.pkm.heads, config.pkm.topK]);
    assert.deepEqual(Array.from(result.slots!.data as BigInt64Array, Number), Array.from(reference.slots));
    const weights = result.weights!.data as Float32Array;
    for (let i = 0; i < weights.length; i++) assert.ok(Math.abs(weights[i]! - reference.weights[i]!) < 1e-5, `weight ${i}`);
    const out = result.output!.data as Float32Array;
    for (let i = 0; i < out.length; i++) assert.ok(Math.abs(out[i]! - reference.output[i]!) < 1e-5, `output ${i}`);
    // A sharper read puts more of each head's weight on its best slot.
    const k = config.pkm.topK;
    let topWeight = 0;
    for (let i = 0; i < weights.length; i += k) topWeight += Math.max(...Array.from(weights.subarray(i, i + k))) / (weights.length / k);
    if (scoreScale) assert.ok(topWeight > 0.4, `mean top read weight ${topWeight} at scoreScale ${scoreScale}`);
    else assert.ok(topWeight < 0.4, `mean top read weight ${topWeight} without scoreScale`);
  });
