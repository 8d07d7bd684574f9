// The product-key memory layer (Lample et al. 2019) as engine ops; pkmReference.ts is the same
// mechanism in plain TypeScript and the test holds the two together.
//
// Dimension letters: B batch, T positions, C model width, H memory heads, K key size per head,
// N sub-keys per half, k slots read per head (topK), S = N*N slots.

import { GraphBuilder, Tensor } from '../engine';
import { ModelConfig, scoreScaleOf } from './config';
import { parameterNames } from './parameters';

export interface PkmWeightsTensors {
  readonly wQuery: Tensor; // (C, H*K)
  readonly queryNorm: Tensor; // (H, K)
  readonly subKeys: Tensor; // (H, 2, N, K/2)
  readonly values: Tensor; // (S, C)
}

/** Which slots a lookup chose and with what weight: what the inspector, provenance and the write
 *  path read. Slots are int64 ids i1 * N + i2. */
export interface PkmAddress {
  readonly slots: Tensor; // (B, T, H, k) int64
  readonly weights: Tensor; // (B, T, H, k) float32, softmax over each head's k scores
  /** Each half's scores against all its N sub-keys, (B, H, T, N): the usage loss reads them. */
  readonly subKeyScores: readonly [Tensor, Tensor];
}

/** The tensors of a product-key memory declared under the given names. */
function weightsNamed(
  params: ReadonlyMap<string, Tensor>,
  owner: string,
  names: Record<keyof PkmWeightsTensors, string>,
): PkmWeightsTensors {
  const get = (name: string) => {
    const tensor = params.get(name);
    if (!tensor) throw new Error(`${owner}: parameter ${name} is not declared`);
    return tensor;
  };
  return { wQuery: get(names.wQuery), queryNorm: get(names.queryNorm), subKeys: get(names.subKeys), values: get(names.values) };
}

export function pkmWeightsOf(params: ReadonlyMap<string, Tensor>, layer: number): PkmWeightsTensors {
  return weightsNamed(params, `memory layer ${layer}`, {
    wQuery: parameterNames.pkmQuery(layer),
    queryNorm: parameterNames.pkmQueryNorm(layer),
    subKeys: parameterNames.pkmSubKeys(layer),
    values: parameterNames.pkmValues(layer),
  });
}

/** Chooses the slots: query projection, per-head RMSNorm, product-key top-k. Everything before the
 *  value table; a memory write freezes this part and only changes the rows it points at. */
export function pkmAddress(g: GraphBuilder, config: ModelConfig, w: PkmWeightsTensors, x: Tensor): PkmAddress {
  const { heads: H, keyDim: K, nKeys: N, topK: k } = config.pkm;
  const [B, T] = [x.shape[0]!, x.shape[1]!];
  let q = g.matmul(x, w.wQuery); // (B, T, H*K)
  q = g.reshape(q, [B, T, H, K]); // (B, T, H, K)
  const meanSquare = g.mean(g.mul(q, q), -1, true); // (B, T, H, 1)
  q = g.mul(g.mul(q, g.reciprocal(g.sqrt(g.add(meanSquare, config.normEps)))), w.queryNorm);
  q = g.transpose(q, [0, 2, 1, 3]); // (B, H, T, K)
  const [q1, q2] = g.split(q, 2, -1) as [Tensor, Tensor]; // (B, H, T, K/2) each
  const [keys1, keys2] = g.split(w.subKeys, 2, 1).map(half => g.reshape(half, [H, N, K / 2])) as [Tensor, Tensor];
  const scores1 = g.matmul(q1, g.transposeLast2(keys1)); // (B, H, T, N)
  const scores2 = g.matmul(q2, g.transposeLast2(keys2));
  const best1 = g.topk(scores1, k); // (B, H, T, k)
  const best2 = g.topk(scores2, k);
  // Every pair (a, b) of the two halves' top-k: score s1[a] + s2[b], flattened at a * k + b.
  const pairScores = g.add(g.unsqueeze(best1.values, 4), g.unsqueeze(best2.values, 3)); // (B, H, T, k, k)
  const chosen = g.topk(g.reshape(pairScores, [B, H, T, k * k]), k); // (B, H, T, k)
  const a = g.div(chosen.indices, g.scalar(k, 'int64')); // integer division: which of half 1's top-k
  const b = g.sub(chosen.indices, g.mul(a, g.scalar(k, 'int64')));
  const slot1 = g.gatherElements(best1.indices, a, 3); // (B, H, T, k) sub-key ids in 0..N-1
  const slot2 = g.gatherElements(best2.indices, b, 3);
  const slots = g.add(g.mul(slot1, g.scalar(N, 'int64')), slot2); // (B, H, T, k)
  const scale = scoreScaleOf(config);
  const weights = g.softmax(scale === 1 ? chosen.values : g.mul(chosen.values, scale), -1); // (B, H, T, k)
  return {
    slots: g.transpose(slots, [0, 2, 1, 3]), // (B, T, H, k)
    weights: g.transpose(weights, [0, 2, 1, 3]), // (B, T, H, k)
    subKeyScores: [scores1, scores2],
  };
}

/**
 * A training-only loss against memory collapse (few slots read by everything): for each half and
 * head, the softmax over sub-key scores averaged over the batch should be spread out, so the loss is
 * log N minus that mean distribution's entropy, averaged over heads and halves (0 when uniform).
 * This is FwPKM's marginal-entropy term (memory-layers-notes.md §5) on our sub-key scores.
 */
export function pkmUsageLoss(g: GraphBuilder, address: PkmAddress): Tensor {
  const terms = address.subKeyScores.map(scores => {
    const N = scores.shape[3] as number;
    const mean = g.mean(g.softmax(scores, -1), [0, 2]); // (H, N): marginal over batch and positions
    const entropy = g.neg(g.sum(g.mul(mean, g.log(g.add(mean, 1e-9))), -1)); // (H)
    return g.sub(Math.log(N), g.mean(entropy));
  });
  return g.mul(g.add(terms[0]!, terms[1]!), 0.5);
}

/** Reads the value rows an address points at: the read-weighted sum over heads and top-k. */
export function pkmRead(g: GraphBuilder, config: ModelConfig, values: Tensor, address: PkmAddress): Tensor {
  const { heads: H, topK: k } = config.pkm;
  const [B, T] = [address.slots.shape[0]!, address.slots.shape[1]!];
  const C = config.dModel;
  const rows = g.gather(values, g.reshape(address.slots, [B, T, H * k])); // (B, T, H*k, C)
  const weights = g.reshape(address.weights, [B, T, 1, H * k]); // (B, T, 1, H*k)
  return g.reshape(g.matmul(weights, rows), [B, T, C]); // (B, T, 1, C) -> (B, T, C)
}

export function pkmLayer(g: GraphBuilder, config: ModelConfig, w: PkmWeightsTensors, x: Tensor): { output: Tensor; address: PkmAddress } {
  const address = pkmAddress(g, config, w, x);
  return { output: pkmRead(g, config, w.values, address), address };
}
