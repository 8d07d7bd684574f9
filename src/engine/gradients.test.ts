// Finite-difference checks of every VJP rule (and of the composites built on them), a coverage check
// that every differentiable primitive was exercised, and a demonstration that broken rules fail.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { GraphBuilder } from './builder';
import { causalMask, crossEntropy, gelu, layerNorm, rmsNorm, rope, ropeTables, silu } from './composites';
import { AnyTypedArray } from './dtype';
import { Tensor } from './graph';
import { gradientCheck, GradientCheckCase, GradientCheckOptions } from './gradientCheck';
import { unbroadcast, vjpRules, VjpTable } from './gradients';
import { Op } from './ops';
import { createRandom } from './random';
import { ortRuntime } from './runtime/ort';

const random = createRandom(1234);

interface InputSpec {
  shape: number[];
  /** Explicit values; otherwise uniform in `range` (default [-1, 1]). */
  data?: AnyTypedArray;
  range?: [number, number];
  /** Float inputs are differentiated unless this is set. */
  fixed?: boolean;
}

const size = (shape: number[]): number => shape.reduce((p, d) => p * d, 1);

/** Values spaced at least `gap` apart in random order, centred on 0 (for max, top-k, relu). */
function distinct(shape: number[], gap = 0.1): Float32Array {
  const n = size(shape);
  const values = Float32Array.from({ length: n }, (_, i) => (i - (n - 1) / 2) * gap + gap / 4);
  for (let i = n - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [values[i], values[j]] = [values[j], values[i]];
  }
  return values;
}

function ints(values: number[]): BigInt64Array {
  return BigInt64Array.from(values, v => BigInt(v));
}

function opCase(inputs: Record<string, InputSpec>, body: (g: GraphBuilder, t: Record<string, Tensor>) => Tensor): GradientCheckCase {
  const feeds: Record<string, AnyTypedArray> = {};
  for (const [name, spec] of Object.entries(inputs)) {
    const [low, high] = spec.range ?? [-1, 1];
    feeds[name] = spec.data ?? random.uniforms(size(spec.shape), low, high);
  }
  return {
    feeds,
    build(g) {
      const t: Record<string, Tensor> = {};
      const wrt: Tensor[] = [];
      for (const [name, spec] of Object.entries(inputs)) {
        const data = feeds[name];
        const dtype =
          data instanceof BigInt64Array ? 'int64' : data instanceof Int32Array ? 'int32' : data instanceof Uint8Array ? 'bool' : 'float32';
        t[name] = g.input(name, dtype, spec.shape);
        if (dtype === 'float32' && !spec.fixed) wrt.push(t[name]);
      }
      return { output: body(g, t), wrt };
    },
  };
}

const x234: InputSpec = { shape: [2, 3, 4] };
const positive: InputSpec = { shape: [3, 4], range: [0.5, 2] };

const cases: Record<string, GradientCheckCase & { options?: GradientCheckOptions }> = {
  // Unary
  neg: opCase({ x: x234 }, (g, { x }) => g.neg(x)),
  exp: opCase({ x: x234 }, (g, { x }) => g.exp(x)),
  log: opCase({ x: positive }, (g, { x }) => g.log(x)),
  sqrt: opCase({ x: positive }, (g, { x }) => g.sqrt(x)),
  reciprocal: opCase({ x: positive }, (g, { x }) => g.reciprocal(x)),
  relu: opCase({ x: { shape: [3, 4], data: distinct([3, 4], 0.2) } }, (g, { x }) => g.relu(x)),
  sigmoid: opCase({ x: x234 }, (g, { x }) => g.sigmoid(x)),
  tanh: opCase({ x: x234 }, (g, { x }) => g.tanh(x)),
  erf: opCase({ x: x234 }, (g, { x }) => g.erf(x)),
  identity: opCase({ x: x234 }, (g, { x }) => g.identity(x)),
  powCube: opCase({ x: x234 }, (g, { x }) => g.pow(x, 3)),
  powInverseSqrt: opCase({ x: positive }, (g, { x }) => g.pow(x, -0.5)),
  // Values on a 1/8 grid and a step of 1/16 are exact in float16, so the round trip is exact too.
  castFloat16: {
    ...opCase({ x: { shape: [3, 4], data: Float32Array.from({ length: 12 }, () => random.int(32) / 8 - 2) } }, (g, { x }) =>
      g.cast(g.cast(x, 'float16'), 'float32'),
    ),
    options: { eps: 1 / 16 },
  },
  // Binary with broadcasting
  addBroadcast: opCase({ a: x234, b: { shape: [3, 1] } }, (g, { a, b }) => g.add(a, b)),
  subBroadcast: opCase({ a: { shape: [3, 4] }, b: x234 }, (g, { a, b }) => g.sub(a, b)),
  mulBroadcast: opCase({ a: x234, b: { shape: [4] } }, (g, { a, b }) => g.mul(a, b)),
  mulScalar: opCase({ a: x234 }, (g, { a }) => g.mul(a, -2.5)),
  divBroadcast: opCase({ a: x234, b: { shape: [3, 1], range: [0.5, 2] } }, (g, { a, b }) => g.div(a, b)),
  where: opCase(
    { c: { shape: [3, 4], data: Uint8Array.from({ length: 12 }, () => random.int(2)) }, a: { shape: [3, 4] }, b: { shape: [4] } },
    (g, { c, a, b }) => g.where(c, a, b),
  ),
  // Reductions
  sumAxis: opCase({ x: x234 }, (g, { x }) => g.sum(x, 1)),
  sumAll: opCase({ x: x234 }, (g, { x }) => g.sum(x)),
  meanKeep: opCase({ x: x234 }, (g, { x }) => g.mean(x, [0, 2], true)),
  maxLast: opCase({ x: { shape: [2, 3, 4], data: distinct([2, 3, 4]) } }, (g, { x }) => g.max(x, -1)),
  maxTwoAxesKeep: opCase({ x: { shape: [2, 3, 4], data: distinct([2, 3, 4]) } }, (g, { x }) => g.max(x, [0, 1], true)),
  softmaxMiddle: opCase({ x: x234 }, (g, { x }) => g.softmax(x, 1)),
  logSoftmax: opCase({ x: x234 }, (g, { x }) => g.logSoftmax(x, -1)),
  // Matrix products
  matmul3dBy2d: opCase({ a: x234, b: { shape: [4, 5] } }, (g, { a, b }) => g.matmul(a, b)),
  matmul2d: opCase({ a: { shape: [3, 4] }, b: { shape: [4, 2] } }, (g, { a, b }) => g.matmul(a, b)),
  matmulBatchedBroadcast: opCase({ a: { shape: [2, 1, 3, 4] }, b: { shape: [3, 4, 2] } }, (g, { a, b }) => g.matmul(a, b)),
  matmul2dByBatched: opCase({ a: { shape: [3, 4] }, b: { shape: [2, 4, 5] } }, (g, { a, b }) => g.matmul(a, b)),
  gemm: opCase({ a: { shape: [3, 4] }, b: { shape: [4, 5] } }, (g, { a, b }) => g.gemm(a, b)),
  gemmTransA: opCase({ a: { shape: [4, 3] }, b: { shape: [4, 5] } }, (g, { a, b }) => g.gemm(a, b, { transA: true })),
  gemmTransB: opCase({ a: { shape: [3, 4] }, b: { shape: [5, 4] } }, (g, { a, b }) => g.gemm(a, b, { transB: true })),
  gemmTransBoth: opCase({ a: { shape: [4, 3] }, b: { shape: [5, 4] } }, (g, { a, b }) => g.gemm(a, b, { transA: true, transB: true })),
  // Scaled operands become alpha; a whole-number alpha is still a FLOAT attribute for onnxruntime.
  gemmAlpha: opCase({ a: { shape: [3, 4] }, b: { shape: [5, 4] } }, (g, { a, b }) => g.gemm(g.mul(a, 2), g.mul(b, 0.3), { transB: true })),
  gemmAlphaTransA: opCase({ a: { shape: [4, 3] }, b: { shape: [4, 5] } }, (g, { a, b }) =>
    g.mul(g.gemm(g.transpose(g.mul(a, -1.5), [1, 0]), b), 1),
  ),
  // Layout
  transpose: opCase({ x: x234 }, (g, { x }) => g.transpose(x, [2, 0, 1])),
  reshape: opCase({ x: x234 }, (g, { x }) => g.reshape(x, [6, -1])),
  expand: opCase({ x: { shape: [3, 1] } }, (g, { x }) => g.expand(x, [2, 3, 4])),
  squeeze: opCase({ x: { shape: [3, 1, 4] } }, (g, { x }) => g.squeeze(x, 1)),
  unsqueeze: opCase({ x: { shape: [3, 4] } }, (g, { x }) => g.unsqueeze(x, [0, 2])),
  concat: opCase({ a: { shape: [2, 3] }, b: { shape: [2, 2] } }, (g, { a, b }) => g.concat([a, b], 1)),
  splitOnePartUsed: opCase({ x: { shape: [2, 5] } }, (g, { x }) => g.split(x, [2, 3], 1)[1]),
  splitBothUsed: opCase({ x: { shape: [4, 3] } }, (g, { x }) => {
    const [top, bottom] = g.split(x, 2, 0);
    return g.mul(top, bottom);
  }),
  slice: opCase({ x: { shape: [4, 5] } }, (g, { x }) => g.slice(x, 1, 1, -1)),
  pad: opCase({ x: { shape: [3, 4] } }, (g, { x }) => g.pad(x, [1, 0], [0, 2])),
  // Indexing
  gatherRepeatedRows: opCase({ data: { shape: [5, 3] }, idx: { shape: [2, 3], data: ints([0, 4, 4, 1, 0, 0]) } }, (g, { data, idx }) =>
    g.gather(data, idx),
  ),
  gatherInt32: opCase({ data: { shape: [5, 3] }, idx: { shape: [4], data: Int32Array.from([3, 1, 3, 2]) } }, (g, { data, idx }) =>
    g.gather(data, idx),
  ),
  gatherElements: opCase({ data: { shape: [3, 5] }, idx: { shape: [3, 2], data: ints([0, 4, 2, 2, 1, 3]) } }, (g, { data, idx }) =>
    g.gatherElements(data, idx, 1),
  ),
  gatherND: opCase({ data: { shape: [4, 3] }, idx: { shape: [3, 1], data: ints([2, 0, 2]) } }, (g, { data, idx }) => g.gatherND(data, idx)),
  scatterNDAdd: opCase(
    { data: { shape: [5, 3] }, idx: { shape: [3, 1], data: ints([1, 3, 1]) }, upd: { shape: [3, 3] } },
    (g, { data, idx, upd }) => g.scatterND(data, idx, upd, 'add'),
  ),
  scatterNDReplace: opCase(
    { data: { shape: [5, 3] }, idx: { shape: [2, 1], data: ints([4, 0]) }, upd: { shape: [2, 3] } },
    (g, { data, idx, upd }) => g.scatterND(data, idx, upd),
  ),
  scatterElementsAdd: opCase(
    { data: { shape: [3, 4] }, idx: { shape: [3, 2], data: ints([0, 0, 3, 1, 2, 2]) }, upd: { shape: [3, 2] } },
    (g, { data, idx, upd }) => g.scatterElements(data, idx, upd, 1, 'add'),
  ),
  scatterElementsReplace: opCase(
    { data: { shape: [3, 4] }, idx: { shape: [3, 2], data: ints([0, 2, 3, 1, 2, 0]) }, upd: { shape: [3, 2] } },
    (g, { data, idx, upd }) => g.scatterElements(data, idx, upd, 1),
  ),
  topkValues: opCase({ x: { shape: [3, 6], data: distinct([3, 6]) } }, (g, { x }) => g.topk(x, 2, -1).values),
  // Composites
  silu: opCase({ x: x234 }, (g, { x }) => silu(g, x)),
  geluTanh: opCase({ x: x234 }, (g, { x }) => gelu(g, x)),
  geluErf: opCase({ x: x234 }, (g, { x }) => gelu(g, x, 'erf')),
  rmsNorm: opCase({ x: { shape: [2, 3, 8] }, w: { shape: [8] } }, (g, { x, w }) => rmsNorm(g, x, w)),
  rmsNormNoWeight: opCase({ x: { shape: [3, 8] } }, (g, { x }) => rmsNorm(g, x, null)),
  rmsNormMatrixWeight: opCase({ x: { shape: [4, 6] }, w: { shape: [1, 6] } }, (g, { x, w }) => rmsNorm(g, x, w)),
  layerNorm: opCase({ x: { shape: [2, 3, 8] }, w: { shape: [8] }, b: { shape: [8] } }, (g, { x, w, b }) => layerNorm(g, x, w, b)),
  rope: opCase({ x: { shape: [2, 4, 8] } }, (g, { x }) => {
    const { cos, sin } = ropeTables(4, 8);
    return rope(g, x, g.constant(cos, [4, 4]), g.constant(sin, [4, 4]));
  }),
  causalAttention: opCase({ q: { shape: [1, 4, 8] }, k: { shape: [1, 4, 8] }, v: { shape: [1, 4, 8] } }, (g, { q, k, v }) => {
    const scores = g.mul(g.matmul(q, g.transposeLast2(k)), 1 / Math.sqrt(8)); // (1, T, T)
    return g.matmul(g.softmax(causalMask(g, scores), -1), v);
  }),
  // Heads split as in the reference model: k^T is one transpose (B,T,H,D -> B,H,D,T) of a reshape, whose
  // gradient the Transpose rule takes as a swapped product (dS^T q) transposed keeping the last axis.
  multiHeadAttention: opCase({ qkv: { shape: [2, 3, 12] } }, (g, { qkv }) => {
    const [q, k, v] = g.split(qkv, 3, -1).map(t => g.reshape(t, [2, 3, 2, 2]));
    const heads = (t: Tensor): Tensor => g.transpose(t, [0, 2, 1, 3]); // (B, H, T, D)
    const scores = g.mul(g.matmul(heads(q), g.transposeLast2(heads(k))), 0.7);
    const attended = g.matmul(g.softmax(causalMask(g, scores), -1), heads(v));
    return g.reshape(g.transpose(attended, [0, 2, 1, 3]), [2, 3, 4]);
  }),
  crossEntropy: opCase({ logits: { shape: [2, 3, 5] }, y: { shape: [2, 3], data: ints([0, 4, 2, 2, 1, 3]) } }, (g, { logits, y }) =>
    crossEntropy(g, logits, y),
  ),
  crossEntropyMasked: opCase(
    {
      logits: { shape: [2, 3, 5] },
      y: { shape: [2, 3], data: ints([0, 4, 2, 2, 1, 3]) },
      m: { shape: [2, 3], data: Float32Array.from([1, 1, 0, 0, 1, 1]), fixed: true },
    },
    (g, { logits, y, m }) => crossEntropy(g, logits, y, m),
  ),
  tiedEmbedding: opCase({ wte: { shape: [6, 4] }, tokens: { shape: [2, 3], data: ints([1, 5, 1, 0, 2, 2]) } }, (g, { wte, tokens }) => {
    const h = g.gather(wte, tokens); // (2, 3, 4)
    return g.matmul(h, g.transpose(wte, [1, 0])); // (2, 3, 6)
  }),
};

const covered = new Set<Op>();

after(() => ortRuntime.releaseAll());

for (const [name, testCase] of Object.entries(cases)) {
  test(`VJP matches finite differences: ${name}`, async () => {
    const result = await gradientCheck(testCase, testCase.options);
    result.ops.forEach(op => covered.add(op));
    assert.ok(result.ok, `${name}:\n${result.mismatches.slice(0, 8).join('\n')}`);
  });
}

test('every differentiable primitive is covered by a gradient check', () => {
  const differentiable = (Object.keys(vjpRules) as Op[]).filter(op => vjpRules[op] !== null);
  const missing = differentiable.filter(op => !covered.has(op));
  assert.deepEqual(missing, []);
});

test('the gradient check catches broken rules', async () => {
  const broken: Record<string, VjpTable> = {
    // sigmoid' = y (1 - y); drop the (1 - y)
    sigmoid: { ...vjpRules, Sigmoid: (g, { outputs: [y] }, [dy]) => [g.mul(dy as Tensor, y)] },
    // softmax without the "- sum(dy * y)" term
    softmaxMiddle: { ...vjpRules, Softmax: (g, { outputs: [y] }, [dy]) => [g.mul(y, dy as Tensor)] },
    // the divisor's gradient with its sign flipped
    divBroadcast: {
      ...vjpRules,
      Div: (g, { inputs: [a, b], outputs: [y] }, [dy]) => [
        unbroadcast(g, g.div(dy as Tensor, b), a.shape),
        unbroadcast(g, g.div(g.mul(dy as Tensor, y), b), b.shape),
      ],
    },
  };
  for (const [name, rules] of Object.entries(broken)) {
    const result = await gradientCheck(cases[name], { rules });
    assert.equal(result.ok, false, `${name} with a broken rule passed the check`);
    assert.ok(result.worstRatio > 10, `${name}: the broken rule's error is only ${result.worstRatio}x the tolerance`);
  }
});
