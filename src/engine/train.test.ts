// End-to-end: build, differentiate, run and optimise. A small MLP learns a 2-D classification and a
// small causal transformer (RMSNorm, RoPE, 2 layers) learns to reverse sequences, with fixed seeds.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { grad } from './autodiff';
import { GraphBuilder } from './builder';
import { causalMask, crossEntropy, rmsNorm, rope, ropeTables, silu } from './composites';
import { Tensor, validateGraph } from './graph';
import { exportOnnx } from './onnxExport';
import { AdamW } from './optim/adamw';
import { clipGradNorm } from './optim/clip';
import { warmupCosine } from './optim/schedule';
import { createRandom, Random } from './random';
import { ortRuntime } from './runtime/ort';
import { Feed } from './runtime/runtime';

after(() => ortRuntime.releaseAll());

/** Compiles loss + gradients of all params into one model; returns a step function. */
async function trainer(loss: Tensor, params: Tensor[]) {
  const grads = grad(loss, params);
  validateGraph(loss.graph);
  const fetches: Record<string, Tensor> = { loss };
  params.forEach((p, i) => (fetches[`grad.${p.name}`] = grads[i]));
  const session = await ortRuntime.load(exportOnnx(fetches));
  return async (feeds: Record<string, Feed>) => {
    const out = await session.run(feeds);
    const gradients: Record<string, Float32Array> = {};
    for (const p of params) gradients[p.name as string] = out[`grad.${p.name}`].data as Float32Array;
    return { loss: (out.loss.data as Float32Array)[0], gradients };
  };
}

function initParams(random: Random, params: Tensor[]): Record<string, Float32Array> {
  const values: Record<string, Float32Array> = {};
  for (const p of params) {
    const fanIn = p.rank === 2 ? (p.shape[0] as number) : 0;
    values[p.name as string] = fanIn
      ? random.normals(p.size, 1 / Math.sqrt(fanIn))
      : new Float32Array(p.size).fill(p.name?.includes('norm') ? 1 : 0);
  }
  return values;
}

test('an MLP learns to tell points inside a circle from points outside', async () => {
  const N = 128; // points
  const H = 32; // hidden units
  const random = createRandom(3);
  const points = random.uniforms(N * 2, -1, 1);
  const labels = BigInt64Array.from({ length: N }, (_, i) => (points[2 * i] ** 2 + points[2 * i + 1] ** 2 < 0.5 ? 1n : 0n));

  const g = new GraphBuilder();
  const x = g.input('x', 'float32', [N, 2]);
  const y = g.input('y', 'int64', [N]);
  const w1 = g.param('w1', [2, H]);
  const b1 = g.param('b1', [H]);
  const w2 = g.param('w2', [H, H]);
  const b2 = g.param('b2', [H]);
  const w3 = g.param('w3', [H, 2]);
  const h1 = g.relu(g.add(g.matmul(x, w1), b1)); // (N, H)
  const h2 = g.tanh(g.add(g.matmul(h1, w2), b2)); // (N, H)
  const loss = crossEntropy(g, g.matmul(h2, w3), y);
  const params = [w1, b1, w2, b2, w3];
  const step = await trainer(loss, params);
  const values = initParams(random, params);
  const optimiser = new AdamW(values, [], { lr: 0.02, weightDecay: 0 });

  let last = Infinity;
  for (let i = 0; i < 300; i++) {
    const { loss: l, gradients } = await step({ x: points, y: labels, ...values });
    optimiser.update(gradients);
    last = l;
  }
  assert.ok(last < 0.1, `final loss ${last}`);
});

test('a 2-layer causal transformer learns to reverse sequences', async () => {
  const V = 10; // digits 0..7, 8 = separator, 9 unused
  const n = 7; // digits per sequence
  const T = 2 * n; // inputs: digits, separator, reversed digits but the last (which is only a target)
  const B = 32;
  const C = 32;
  const NH = 2;
  const D = C / NH;
  const L = 2;
  const random = createRandom(11);

  const g = new GraphBuilder();
  const tokens = g.input('tokens', 'int64', [B, T]);
  const targets = g.input('targets', 'int64', [B, T]);
  const mask = g.input('mask', 'float32', [B, T]);
  const { cos, sin } = ropeTables(T, D);
  const ropeCos = g.constant(cos, [T, D / 2]);
  const ropeSin = g.constant(sin, [T, D / 2]);
  const wte = g.param('wte', [V, C]);
  const params: Tensor[] = [wte];

  const heads = (t: Tensor): Tensor => g.transpose(g.reshape(t, [B, T, NH, D]), [0, 2, 1, 3]); // (B, NH, T, D)
  let x = g.gather(wte, tokens); // (B, T, C)
  for (let l = 0; l < L; l++) {
    const norm1 = g.param(`h${l}.norm1`, [C]);
    const wqkv = g.param(`h${l}.wqkv`, [C, 3 * C]);
    const wo = g.param(`h${l}.wo`, [C, C]);
    const norm2 = g.param(`h${l}.norm2`, [C]);
    const wUp = g.param(`h${l}.wUp`, [C, 4 * C]);
    const wDown = g.param(`h${l}.wDown`, [4 * C, C]);
    params.push(norm1, wqkv, wo, norm2, wUp, wDown);

    const [q, k, v] = g.split(g.matmul(rmsNorm(g, x, norm1), wqkv), 3, -1).map(heads); // 3 x (B, NH, T, D)
    const scores = g.mul(g.matmul(rope(g, q, ropeCos, ropeSin), g.transposeLast2(rope(g, k, ropeCos, ropeSin))), 1 / Math.sqrt(D));
    const attended = g.matmul(g.softmax(causalMask(g, scores), -1), v); // (B, NH, T, D)
    x = g.add(x, g.matmul(g.reshape(g.transpose(attended, [0, 2, 1, 3]), [B, T, C]), wo));
    x = g.add(x, g.matmul(silu(g, g.matmul(rmsNorm(g, x, norm2), wUp)), wDown));
  }
  const normF = g.param('normF', [C]);
  const wHead = g.param('wHead', [C, V]);
  params.push(normF, wHead);
  const loss = crossEntropy(g, g.matmul(rmsNorm(g, x, normF), wHead), targets, mask);
  const step = await trainer(loss, params);

  const values = initParams(random, params);
  const optimiser = new AdamW(values, [], { lr: 1e-2, weightDecay: 0.01 });
  const steps = 400;
  const schedule = warmupCosine({ warmupSteps: 20, totalSteps: steps, minFactor: 0.1 });

  // Only the reversed half is scored: the first half is random.
  const maskValues = Float32Array.from({ length: B * T }, (_, i) => (i % T >= n ? 1 : 0));
  const batch = () => {
    const tokenIds = new BigInt64Array(B * T);
    const targetIds = new BigInt64Array(B * T);
    for (let b = 0; b < B; b++) {
      const digits = Array.from({ length: n }, () => random.int(8));
      const sequence = [...digits, 8, ...digits.reverse()]; // T + 1 tokens
      for (let t = 0; t < T; t++) {
        tokenIds[b * T + t] = BigInt(sequence[t]);
        targetIds[b * T + t] = BigInt(sequence[t + 1]);
      }
    }
    return { tokens: tokenIds, targets: targetIds, mask: maskValues };
  };

  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    const { loss: l, gradients } = await step({ ...batch(), ...values });
    clipGradNorm(Object.values(gradients), 1);
    optimiser.update(gradients, schedule(i));
    losses.push(l);
  }
  const final = losses.slice(-10).reduce((p, l) => p + l, 0) / 10;
  assert.ok(losses[0] > 1.5, `first loss ${losses[0]} (chance is ln 8 = 2.08)`);
  assert.ok(final < 0.05, `final loss ${final}`);
});
