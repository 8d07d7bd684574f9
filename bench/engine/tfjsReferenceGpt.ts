// The peer side of the engine benchmark: the reference GPT trained with @tensorflow/tfjs-core on the
// wasm backend (tfjs-node cannot be installed here; the wasm backend has SIMD but no threads in Node).
//
// The wasm backend has no UnsortedSegmentSum kernel, which tfjs's built-in gradient of gather needs.
// The embedding lookup is therefore wrapped in tf.customGrad: forward is gather, backward is ScatterNd
// (which the wasm backend has and which sums duplicate rows), i.e. the usual sparse gradient.
// A one-hot matmul would also work but adds two [1024 x 4096 x 256] matmuls and would handicap the peer.

import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone registers no gradients; the @tensorflow/tfjs bundle would import this for us.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-wasm';
import { ReferenceGptConfig } from './referenceGptConfig';
import { NamedParameter, TokenBatch } from './referenceGptWeights';

export interface TfjsReferenceGpt {
  /** Loss of the batch without updating anything (forward only). */
  forwardLoss(): number;
  /** One Adam step on the batch; returns the loss before the update. */
  trainStep(): number;
  dispose(): void;
}

export async function useTfjsWasmBackend(): Promise<void> {
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs wasm backend failed to initialise');
  await tf.ready();
}

/** Embedding rows with a scatter-add gradient (see header). */
const embeddingLookup = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [table, ids, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([ids]);
  return {
    value: tf.gather(table, ids),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const [savedIds] = saved;
      const rowGrads = dy as tf.Tensor;
      const tableGrad = tf.scatterND(tf.reshape(savedIds, [-1, 1]), rowGrads, table.shape);
      // ids are integers: their "gradient" is zero and is never used.
      return [tableGrad, tf.zerosLike(savedIds)];
    },
  };
}) as (table: tf.Tensor, ids: tf.Tensor) => tf.Tensor;

function rmsNorm(x: tf.Tensor2D, gain: tf.Tensor, eps: number): tf.Tensor2D {
  const meanSquare = tf.mean(tf.square(x), -1, true);
  return tf.mul(tf.mul(x, tf.rsqrt(tf.add(meanSquare, eps))), gain) as tf.Tensor2D;
}

/** Exact GELU, x * Phi(x), via erf (the wasm backend has Erf). */
function gelu(x: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
}

export function createTfjsReferenceGpt(
  config: ReferenceGptConfig,
  parameters: readonly NamedParameter[],
  batch: TokenBatch,
  learningRate: number,
): TfjsReferenceGpt {
  const { batchSize: B, contextLength: T, dModel: D, nHeads: H, headDim: Dh, vocabSize: V } = config;
  const vars = new Map<string, tf.Variable>();
  for (const p of parameters) vars.set(p.name, tf.variable(tf.tensor(p.values, [...p.shape]), true, p.name));
  const param = (name: string): tf.Variable => {
    const v = vars.get(name);
    if (!v) throw new Error(`missing parameter ${name}`);
    return v;
  };

  const ids = tf.tensor1d(batch.inputs, 'int32');
  const targetsOneHot = tf.oneHot(tf.tensor1d(batch.targets, 'int32'), V);
  // Additive causal mask: 0 on and below the diagonal, -1e9 above it.
  const causalMask = tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([T, T]), -1, 0)), -1e9);
  const scale = 1 / Math.sqrt(Dh);

  const splitHeads = (x: tf.Tensor): tf.Tensor => tf.transpose(tf.reshape(x, [B, T, H, Dh]), [0, 2, 1, 3]);

  const loss = (): tf.Scalar => {
    const tokens = tf.reshape(embeddingLookup(param('wte'), ids), [B, T, D]);
    let x = tf.reshape(tf.add(tokens, param('wpe')), [B * T, D]) as tf.Tensor2D;
    for (let i = 0; i < config.nLayers; i++) {
      const h = rmsNorm(x, param(`h${i}.ln1`), config.rmsNormEps);
      const [q, k, v] = tf.split(tf.matMul(h, param(`h${i}.wqkv`)), 3, 1);
      const scores = tf.add(tf.mul(tf.matMul(splitHeads(q), splitHeads(k), false, true), scale), causalMask);
      const attended = tf.matMul(tf.softmax(scores), splitHeads(v));
      const merged = tf.reshape(tf.transpose(attended, [0, 2, 1, 3]), [B * T, D]);
      x = tf.add(x, tf.matMul(merged, param(`h${i}.wo`)));
      const h2 = rmsNorm(x, param(`h${i}.ln2`), config.rmsNormEps);
      x = tf.add(x, tf.matMul(gelu(tf.matMul(h2, param(`h${i}.w1`))), param(`h${i}.w2`)));
    }
    const logits = tf.matMul(rmsNorm(x, param('lnf'), config.rmsNormEps), param('wte'), false, true);
    return tf.neg(tf.mean(tf.sum(tf.mul(targetsOneHot, tf.logSoftmax(logits)), -1))) as tf.Scalar;
  };

  const optimizer = tf.train.adam(learningRate);
  const varList = [...vars.values()];
  return {
    forwardLoss: () => tf.tidy(() => loss().dataSync()[0]),
    trainStep: () => {
      const value = optimizer.minimize(loss, true, varList);
      if (!value) throw new Error('optimizer returned no loss');
      const lossValue = value.dataSync()[0];
      value.dispose();
      return lossValue;
    },
    dispose: () => {
      optimizer.dispose();
      for (const v of varList) v.dispose();
      ids.dispose();
      targetsOneHot.dispose();
      causalMask.dispose();
    },
  };
}
