// A plain TypeScript product-key memory lookup (Lample et al. 2019) on Float32Arrays: the reference
// the ONNX memory layer (pkm.ts) is tested against, and a readable statement of the mechanism.
//
// Per position and head: q = RMSNorm(x W_query)[head]; scores of each half of q against that half's
// N sub-keys; top-k of each half; the k*k candidate sums; top-k of those; softmax over the chosen
// scores; the output is the sum over heads of the softmax-weighted value rows.

import { PkmConfig } from './config';

export interface PkmWeights {
  readonly wQuery: Float32Array; // (C, H*K)
  readonly queryNorm: Float32Array; // (H, K)
  readonly subKeys: Float32Array; // (H, 2, N, K/2)
  readonly values: Float32Array; // (S, C)
}

export interface PkmLookup {
  readonly output: Float32Array; // (T, C)
  readonly slots: Int32Array; // (T, H, k): slot = i1 * N + i2
  readonly weights: Float32Array; // (T, H, k): softmax over the chosen scores, best first
}

/** Indices of the k largest entries, best first; ties go to the lower index (as ONNX TopK does). */
export function topKIndices(scores: ArrayLike<number>, k: number): number[] {
  const order = Array.from({ length: scores.length }, (_, i) => i);
  order.sort((a, b) => scores[b]! - scores[a]! || a - b);
  return order.slice(0, k);
}

export function pkmLookupReference(
  x: Float32Array, // (T, C)
  dModel: number,
  config: PkmConfig,
  weights: PkmWeights,
  normEps: number,
): PkmLookup {
  const { heads: H, keyDim: K, nKeys: N, topK: k } = config;
  const C = dModel;
  const half = K / 2;
  const T = x.length / C;
  const output = new Float32Array(T * C);
  const slots = new Int32Array(T * H * k);
  const readWeights = new Float32Array(T * H * k);
  const query = new Float32Array(H * K);
  for (let t = 0; t < T; t++) {
    projectQuery(x, t, C, weights.wQuery, H * K, query);
    for (let h = 0; h < H; h++) {
      const q = rmsNormalised(query.subarray(h * K, (h + 1) * K), weights.queryNorm.subarray(h * K, (h + 1) * K), normEps);
      const halfScores = [0, 1].map(side => {
        const scores = new Float32Array(N);
        const keyBase = (h * 2 + side) * N * half;
        for (let n = 0; n < N; n++) {
          let dot = 0;
          for (let d = 0; d < half; d++) dot += q[side * half + d]! * weights.subKeys[keyBase + n * half + d]!;
          scores[n] = dot;
        }
        const best = topKIndices(scores, k);
        return { indices: best, scores: best.map(i => scores[i]!) };
      });
      const [first, second] = halfScores as [(typeof halfScores)[0], (typeof halfScores)[0]];
      const candidates = new Float32Array(k * k);
      for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) candidates[a * k + b] = first.scores[a]! + second.scores[b]!;
      const chosen = topKIndices(candidates, k);
      const chosenScores = chosen.map(j => candidates[j]!);
      const probabilities = softmax(chosenScores.map(s => s * (config.scoreScale ?? 1)));
      for (let r = 0; r < k; r++) {
        const j = chosen[r]!;
        const slot = first.indices[Math.floor(j / k)]! * N + second.indices[j % k]!;
        const at = (t * H + h) * k + r;
        slots[at] = slot;
        readWeights[at] = probabilities[r]!;
        for (let c = 0; c < C; c++) output[t * C + c] += probabilities[r]! * weights.values[slot * C + c]!;
      }
    }
  }
  return { output, slots, weights: readWeights };
}

function projectQuery(x: Float32Array, t: number, C: number, w: Float32Array, width: number, out: Float32Array): void {
  out.fill(0);
  for (let c = 0; c < C; c++) {
    const xc = x[t * C + c]!;
    for (let j = 0; j < width; j++) out[j] += xc * w[c * width + j]!;
  }
}

function rmsNormalised(v: Float32Array, gain: Float32Array, eps: number): Float32Array {
  let meanSquare = 0;
  for (let i = 0; i < v.length; i++) meanSquare += v[i]! * v[i]!;
  meanSquare /= v.length;
  const scale = 1 / Math.sqrt(meanSquare + eps);
  return v.map((value, i) => value * scale * gain[i]!);
}

function softmax(scores: number[]): number[] {
  const max = Math.max(...scores);
  const exps = scores.map(s => Math.exp(s - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map(e => e / total);
}
