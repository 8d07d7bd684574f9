// The memory-augmented transformer as engine ops, top to bottom like nanoGPT's model.py: RMSNorm,
// rotary embeddings, causal self-attention (with an optional KV cache), the SwiGLU FFN, the block
// (whose FFN is the product-key memory in the memory layer), and the whole stack. Graph variants
// (training, evaluation, prefill/decode, the write path's split) are assembled in modelGraphs.ts.
//
// Dimension letters: B batch, T new positions, P cached past positions,
// C model width, nh attention heads, hs head size (C / nh), F FFN hidden, V vocabulary.

import { GraphBuilder, Tensor, rmsNorm as engineRmsNorm, silu } from '../engine';
import { ModelConfig, headSize } from './config';
import { PkmAddress, pkmLayer, pkmRead, pkmWeightsOf } from './pkm';
import { parameterNames, parameterSpecs } from './parameters';

export type ParameterTensors = ReadonlyMap<string, Tensor>;

/** Declares every parameter as a fed graph input named like the parameter (and the checkpoint). */
export function declareParameters(g: GraphBuilder, config: ModelConfig): ParameterTensors {
  return new Map(parameterSpecs(config).map(spec => [spec.name, g.param(spec.name, spec.shape)]));
}

function parameter(w: ParameterTensors, name: string): Tensor {
  const tensor = w.get(name);
  if (!tensor) throw new Error(`parameter ${name} is not declared`);
  return tensor;
}

/** Per-call tensors that depend on where the new positions sit. */
export interface PositionTensors {
  readonly cos: Tensor; // (T, 1, hs/2)
  readonly sin: Tensor; // (T, 1, hs/2)
  readonly mask: Tensor; // (T, T): 0 where new position t may attend new position u <= t, -1e9 elsewhere
}

/** Keys and values of some positions, in the cache's layout (positions before heads, so a prefix of
 *  a preallocated cache buffer is a zero-copy feed). */
export interface KeyValue {
  readonly key: Tensor; // (B, T, nh, hs), rotary already applied
  readonly value: Tensor; // (B, T, nh, hs)
}

/** The engine's RMSNorm: it carries its own one-pass gradient (engine/composites.ts). */
export function rmsNorm(g: GraphBuilder, x: Tensor, weight: Tensor, eps: number): Tensor {
  return engineRmsNorm(g, x, weight, eps);
}

/** Rotates each (first half, second half) pair of head dimensions by its position's angle. */
export function rotary(g: GraphBuilder, x: Tensor, cos: Tensor, sin: Tensor): Tensor {
  const [x1, x2] = g.split(x, 2, -1) as [Tensor, Tensor]; // (B, T, nh, hs/2) each
  return g.concat([g.sub(g.mul(x1, cos), g.mul(x2, sin)), g.add(g.mul(x1, sin), g.mul(x2, cos))], -1);
}

const toHeadsFirst = (g: GraphBuilder, x: Tensor) => g.transpose(x, [0, 2, 1, 3]); // (B, T, nh, hs) -> (B, nh, T, hs)

export function causalSelfAttention(
  g: GraphBuilder,
  config: ModelConfig,
  w: ParameterTensors,
  layer: number,
  x: Tensor, // (B, T, C)
  positions: PositionTensors,
  past: KeyValue | null,
): { y: Tensor; present: KeyValue } {
  const [B, T] = [x.shape[0]!, x.shape[1]!];
  const C = config.dModel;
  const [nh, hs] = [config.nHeads, headSize(config)];
  const qkv = g.matmul(x, parameter(w, parameterNames.attnQkv(layer))); // (B, T, 3C)
  const [qFlat, kFlat, vFlat] = g.split(qkv, 3, -1) as [Tensor, Tensor, Tensor]; // (B, T, C) each
  const q = rotary(g, g.reshape(qFlat, [B, T, nh, hs]), positions.cos, positions.sin); // (B, T, nh, hs)
  const key = rotary(g, g.reshape(kFlat, [B, T, nh, hs]), positions.cos, positions.sin);
  const value = g.reshape(vFlat, [B, T, nh, hs]);
  const qh = toHeadsFirst(g, q); // (B, nh, T, hs)
  const scale = 1 / Math.sqrt(hs);
  const ownScores = g.add(g.mul(g.matmul(qh, g.transposeLast2(toHeadsFirst(g, key))), scale), positions.mask); // (B, nh, T, T)
  let attended: Tensor; // (B, nh, T, hs)
  if (!past) {
    attended = g.matmul(g.softmax(ownScores, -1), toHeadsFirst(g, value));
  } else {
    // A softmax over [past keys, new keys] done in two parts, because the engine cannot concatenate
    // along the symbolic position axis: shared max, two exp-sums, two weighted value sums.
    const pastScores = g.mul(g.matmul(qh, g.transposeLast2(toHeadsFirst(g, past.key))), scale); // (B, nh, T, P)
    const pastMax = g.max(pastScores, -1, true);
    const ownMax = g.max(ownScores, -1, true);
    const max = g.where(g.greater(pastMax, ownMax), pastMax, ownMax); // (B, nh, T, 1)
    const pastExp = g.exp(g.sub(pastScores, max));
    const ownExp = g.exp(g.sub(ownScores, max));
    const total = g.add(g.sum(pastExp, -1, true), g.sum(ownExp, -1, true));
    const weighted = g.add(g.matmul(pastExp, toHeadsFirst(g, past.value)), g.matmul(ownExp, toHeadsFirst(g, value)));
    attended = g.div(weighted, total);
  }
  const merged = g.reshape(g.transpose(attended, [0, 2, 1, 3]), [B, T, C]); // (B, T, C)
  return { y: g.matmul(merged, parameter(w, parameterNames.attnOut(layer))), present: { key, value } };
}

export function swiGluFeedForward(g: GraphBuilder, w: ParameterTensors, layer: number, x: Tensor): Tensor {
  const gateAndUp = g.matmul(x, parameter(w, parameterNames.ffnIn(layer))); // (B, T, 2F)
  const [gate, up] = g.split(gateAndUp, 2, -1) as [Tensor, Tensor]; // (B, T, F) each
  const hidden = g.mul(silu(g, gate), up); // silu with its own 4-pass gradient
  return g.matmul(hidden, parameter(w, parameterNames.ffnOut(layer))); // (B, T, C)
}

/** The attention half of a block: x + attn(norm(x)). */
export function attentionHalf(
  g: GraphBuilder,
  config: ModelConfig,
  w: ParameterTensors,
  layer: number,
  x: Tensor,
  positions: PositionTensors,
  past: KeyValue | null,
): { x: Tensor; present: KeyValue } {
  const normed = rmsNorm(g, x, parameter(w, parameterNames.attnNorm(layer)), config.normEps);
  const { y, present } = causalSelfAttention(g, config, w, layer, normed, positions, past);
  return { x: g.add(x, y), present };
}

export function isMemoryLayer(config: ModelConfig, layer: number): boolean {
  return layer === config.memoryLayer && config.memoryKind === 'pkm';
}

/** The FFN half of a block, without the residual add: ffn(norm(x)), or the memory read. */
export function feedForwardHalf(
  g: GraphBuilder,
  config: ModelConfig,
  w: ParameterTensors,
  layer: number,
  x: Tensor,
): { output: Tensor; address: PkmAddress | null } {
  const normed = rmsNorm(g, x, parameter(w, parameterNames.ffnNorm(layer)), config.normEps);
  if (isMemoryLayer(config, layer)) return pkmLayer(g, config, pkmWeightsOf(w, layer), normed);
  return { output: swiGluFeedForward(g, w, layer, normed), address: null };
}

export interface StackOutput {
  readonly x: Tensor; // (B, T, C) after the last block run
  readonly present: KeyValue[]; // one per block run
  readonly memory: PkmAddress | null;
  /** The residual stream entering the memory layer's FFN half (x after its attention half). */
  readonly memoryResidual: Tensor | null;
}

/** Runs blocks [from, to); `stopAfterMemoryAddress` ends inside the memory block, after the lookup
 *  chose its slots, for the write path's lower half. */
export function runBlocks(
  g: GraphBuilder,
  config: ModelConfig,
  w: ParameterTensors,
  x: Tensor,
  positions: PositionTensors,
  range: { from: number; to: number },
  past: readonly KeyValue[] | null,
): StackOutput {
  const present: KeyValue[] = [];
  let memory: PkmAddress | null = null;
  let memoryResidual: Tensor | null = null;
  for (let layer = range.from; layer < range.to; layer++) {
    const attention = attentionHalf(g, config, w, layer, x, positions, past ? past[layer - range.from]! : null);
    present.push(attention.present);
    const ffn = feedForwardHalf(g, config, w, layer, attention.x);
    if (ffn.address) {
      memory = ffn.address;
      memoryResidual = attention.x;
    }
    x = g.add(attention.x, ffn.output);
  }
  return { x, present, memory, memoryResidual };
}

/** Every block (the memory layer is one of them). */
export function runModel(
  g: GraphBuilder,
  config: ModelConfig,
  w: ParameterTensors,
  x: Tensor,
  positions: PositionTensors,
  past: readonly KeyValue[] | null,
): StackOutput {
  return runBlocks(g, config, w, x, positions, { from: 0, to: config.nLayers }, past);
}

/** The write path's lower part: up to the memory layer's lookup. `residual` is the state its
 *  output is added to, `output` what it reads now. */
export function runToMemory(
  g: GraphBuilder,
  config: ModelConfig,
  w: ParameterTensors,
  x: Tensor,
  positions: PositionTensors,
): { residual: Tensor; address: PkmAddress; output: Tensor } {
  const stack = runBlocks(g, config, w, x, positions, { from: 0, to: config.memoryLayer + 1 }, null);
  const address = stack.memory!;
  return { residual: stack.memoryResidual!, address, output: pkmRead(g, config, pkmWeightsOf(w, config.memoryLayer).values, address) };
}

/** The write path's upper part: from the residual plus the memory's output to the last state
 *  before the final norm. */
export function runFromMemory(
  g: GraphBuilder,
  config: ModelConfig,
  w: ParameterTensors,
  residual: Tensor,
  memoryOutput: Tensor,
  positions: PositionTensors,
): Tensor {
  const x = g.add(residual, memoryOutput);
  return runBlocks(g, config, w, x, positions, { from: config.memoryLayer + 1, to: config.nLayers }, null).x;
}

/** Token embedding lookup. */
export function embed(g: GraphBuilder, w: ParameterTensors, tokens: Tensor): Tensor {
  return g.gather(parameter(w, parameterNames.tokenEmbedding), tokens); // (B, T) -> (B, T, C)
}

/** Final norm and the tied output projection, on rows of x flattened to (M, C). */
export function logitsOf(g: GraphBuilder, config: ModelConfig, w: ParameterTensors, x: Tensor): Tensor {
  const normed = rmsNorm(g, x, parameter(w, parameterNames.finalNorm), config.normEps);
  return g.gemm(normed, parameter(w, parameterNames.tokenEmbedding), { transB: true }); // (M, V)
}

/** Mean cross-entropy of logits (M, V) against int64 targets (M), optionally weighted per row
 *  (weights (M), e.g. 0 on prompt tokens), plus the per-row correctness of the argmax. */
export function crossEntropy(
  g: GraphBuilder,
  logits: Tensor,
  targets: Tensor,
  rowWeights: Tensor | null,
): { loss: Tensor; correct: Tensor } {
  const M = logits.shape[0]!;
  const logProbabilities = g.logSoftmax(logits, -1); // (M, V)
  const picked = g.reshape(g.gatherElements(logProbabilities, g.reshape(targets, [M, 1]), 1), [M]); // (M)
  const loss = rowWeights ? g.div(g.neg(g.sum(g.mul(picked, rowWeights))), g.add(g.sum(rowWeights), 1e-9)) : g.neg(g.mean(picked));
  const predicted = g.reshape(g.topk(logits, 1, -1).indices, [M]); // (M)
  return { loss, correct: g.cast(g.equal(predicted, targets), 'float32') };
}

/** Rotary tables for absolute positions [start, start + count): (count, 1, hs/2) each. */
export function rotaryTables(
  config: ModelConfig,
  start: number,
  count: number,
): { cos: Float32Array<ArrayBuffer>; sin: Float32Array<ArrayBuffer> } {
  const half = headSize(config) / 2;
  const cos = new Float32Array(count * half);
  const sin = new Float32Array(count * half);
  for (let t = 0; t < count; t++) {
    for (let i = 0; i < half; i++) {
      const angle = (start + t) * Math.pow(config.ropeTheta, -i / half);
      cos[t * half + i] = Math.cos(angle);
      sin[t * half + i] = Math.sin(angle);
    }
  }
  return { cos, sin };
}

/** Additive causal mask among `count` new positions: (count, count); past positions are all visible. */
export function causalMask(count: number): Float32Array<ArrayBuffer> {
  const mask = new Float32Array(count * count);
  for (let t = 0; t < count; t++) for (let u = t + 1; u < count; u++) mask[t * count + u] = -1e9;
  return mask;
}
