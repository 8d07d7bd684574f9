import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PkmConfig } from './config';
import { pkmLookupReference, topKIndices } from './pkmReference';
import { seededRandom } from './seededRandom';

const config: PkmConfig = { nKeys: 6, heads: 2, topK: 3, keyDim: 4 };
const C = 5;
const T = 7;

function randomArray(size: number, seed: number, scale = 1): Float32Array {
  const random = seededRandom(seed);
  return new Float32Array(size).map(() => random.normal() * scale);
}

const weights = {
  wQuery: randomArray(C * config.heads * config.keyDim, 1),
  queryNorm: randomArray(config.heads * config.keyDim, 2).map(v => 1 + 0.1 * v),
  subKeys: randomArray(config.heads * 2 * config.nKeys * (config.keyDim / 2), 3),
  values: randomArray(config.nKeys * config.nKeys * C, 4),
};
const x = randomArray(T * C, 5);

test('topKIndices: best first, ties to the lower index', () => {
  assert.deepEqual(topKIndices([1, 3, 3, 2], 3), [1, 2, 3]);
});

test('product-key top-k equals the exhaustive top-k over all N*N slot scores', () => {
  const { slots, weights: readWeights } = pkmLookupReference(x, C, config, weights, 1e-5);
  const { heads: H, keyDim: K, nKeys: N, topK: k } = config;
  const half = K / 2;
  for (let t = 0; t < T; t++) {
    for (let h = 0; h < H; h++) {
      // Recompute the normalised query and every slot's score the slow way.
      const q = new Float64Array(K);
      for (let j = 0; j < K; j++) for (let c = 0; c < C; c++) q[j] += x[t * C + c]! * weights.wQuery[c * H * K + h * K + j]!;
      const rms = Math.sqrt(q.reduce((a, v) => a + v * v, 0) / K + 1e-5);
      for (let j = 0; j < K; j++) q[j] = (q[j]! / rms) * weights.queryNorm[h * K + j]!;
      const slotScores = new Float64Array(N * N);
      for (let i1 = 0; i1 < N; i1++) {
        for (let i2 = 0; i2 < N; i2++) {
          let score = 0;
          for (let d = 0; d < half; d++) {
            score += q[d]! * weights.subKeys[((h * 2 + 0) * N + i1) * half + d]!;
            score += q[half + d]! * weights.subKeys[((h * 2 + 1) * N + i2) * half + d]!;
          }
          slotScores[i1 * N + i2] = score;
        }
      }
      const expected = topKIndices(slotScores, k);
      const got = Array.from(slots.subarray((t * H + h) * k, (t * H + h + 1) * k));
      assert.deepEqual(got, expected, `position ${t} head ${h}`);
      const scores = expected.map(s => slotScores[s]!);
      const exps = scores.map(s => Math.exp(s - scores[0]!));
      const total = exps.reduce((a, b) => a + b, 0);
      for (let r = 0; r < k; r++) {
        assert.ok(Math.abs(readWeights[(t * H + h) * k + r]! - exps[r]! / total) < 1e-5);
      }
    }
  }
});

test('the output is the read-weighted sum of value rows over heads', () => {
  const { output, slots, weights: readWeights } = pkmLookupReference(x, C, config, weights, 1e-5);
  const { heads: H, topK: k } = config;
  for (let t = 0; t < T; t++) {
    for (let c = 0; c < C; c++) {
      let expected = 0;
      for (let r = 0; r < H * k; r++) expected += readWeights[t * H * k + r]! * weights.values[slots[t * H * k + r]! * C + c]!;
      assert.ok(Math.abs(output[t * C + c]! - expected) < 1e-5);
    }
  }
});
