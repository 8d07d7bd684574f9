// Autodiff: only nodes between wrt and the loss get backward nodes; fan-out sums; intermediate wrt.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { grad } from './autodiff';
import { GraphBuilder } from './builder';
import { crossEntropy, gelu } from './composites';
import { Tensor, validateGraph } from './graph';
import { exportOnnx, liveNodes } from './onnxExport';
import { ortRuntime } from './runtime/ort';

after(() => ortRuntime.releaseAll());

function threeLayers() {
  const g = new GraphBuilder();
  const x = g.input('x', 'float32', [4, 3]);
  const w1 = g.param('w1', [3, 3]);
  const w2 = g.param('w2', [3, 3]);
  const w3 = g.param('w3', [3, 1]);
  const h1 = g.relu(g.matmul(x, w1));
  const h2 = g.tanh(g.matmul(h1, w2));
  const loss = g.sum(g.matmul(h2, w3));
  return { g, w1, w2, w3, h1, h2, loss };
}

function backwardOps(g: GraphBuilder, forwardCount: number, outputs: Tensor[]): string[] {
  return liveNodes(outputs)
    .filter(n => n.id >= forwardCount)
    .map(n => n.op);
}

test('gradients of the top layer build nothing for the layers below', () => {
  const { g, w3, loss } = threeLayers();
  const forwardCount = g.nodes.length;
  const [dw3] = grad(loss, [w3]);
  validateGraph(g);
  // d loss / d w3 = h2^T @ ones: one Gemm on the forward activation, nothing touching w1 or w2.
  assert.deepEqual(backwardOps(g, forwardCount, [loss, dw3]), ['Expand', 'Gemm']);
});

test('gradients of the middle layer stop at it', () => {
  const { g, w2, loss } = threeLayers();
  const forwardCount = g.nodes.length;
  const [dw2] = grad(loss, [w2]);
  const ops = backwardOps(g, forwardCount, [loss, dw2]);
  assert.equal(ops.filter(op => op === 'Gemm').length, 2, `${ops}`); // dh2 = dy w3^T, dw2 = h1^T dz2
  assert.ok(!ops.includes('Where'), 'no relu backward for layer 1');
});

test('fan-out gradients are summed and intermediate tensors can be differentiated', async () => {
  const g = new GraphBuilder();
  const x = g.input('x', 'float32', [3]);
  const h = g.mul(x, 2);
  const loss = g.sum(g.add(g.mul(h, h), h)); // sum(h^2 + h)
  const [dx, dh] = grad(loss, [x, h]);
  const session = await ortRuntime.load(exportOnnx({ dx, dh }));
  const out = await session.run({ x: Float32Array.from([1, -2, 0.5]) });
  assert.deepEqual(Array.from(out.dh.data as Float32Array), [5, -7, 3]); // 2h + 1
  assert.deepEqual(Array.from(out.dx.data as Float32Array), [10, -14, 6]); // 2 (2h + 1)
});

test('a tensor with no path to the loss gets zeros; a non-scalar loss is refused', async () => {
  const g = new GraphBuilder();
  const x = g.input('x', 'float32', [2]);
  const unrelated = g.param('u', [2, 2]);
  const loss = g.sum(g.exp(x));
  const [du] = grad(loss, [unrelated]);
  const out = await (await ortRuntime.load(exportOnnx({ du }))).run({});
  assert.deepEqual(Array.from(out.du.data as Float32Array), [0, 0, 0, 0]);
  assert.throws(() => grad(g.exp(x), [x]), /one-element float tensor/);
});

test('a composite with its own gradient rule: fewer backward passes, same gradient, inner tensors used elsewhere still count', async () => {
  const build = (customGradients: boolean) => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', [5]);
    const y = gelu(g, x, 'erf');
    const inner = y.producer!.node.inputs[0]; // x / 2, made inside gelu
    const loss = g.add(g.sum(g.mul(y, y)), g.sum(g.mul(inner, 3))); // the inner tensor also feeds the loss
    const forwardCount = g.nodes.length;
    const [dx] = grad(loss, [x], { customGradients });
    validateGraph(g);
    return { g, dx, ops: backwardOps(g, forwardCount, [dx]) };
  };
  const custom = build(true);
  const chained = build(false);
  const passes = (ops: string[]) => ops.filter(op => !['Reshape', 'Expand', 'ConstantOfShape'].includes(op)).length;
  assert.ok(passes(custom.ops) < passes(chained.ops), `custom: ${custom.ops}; chained: ${chained.ops}`);
  assert.ok(!custom.ops.includes('Erf') && !custom.ops.includes('Neg'), `${custom.ops}`);
  const feeds = { x: Float32Array.from([-2, -0.5, 0, 0.7, 3]) };
  const a = (await (await ortRuntime.load(exportOnnx({ dx: custom.dx }))).run(feeds)).dx.data as Float32Array;
  const b = (await (await ortRuntime.load(exportOnnx({ dx: chained.dx }))).run(feeds)).dx.data as Float32Array;
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-5, `dx[${i}]: ${v} vs ${b[i]}`));
});

test('cross-entropy of a tied head: the mean gradient scale rides on the Gemms, no pass over batch x vocab', () => {
  const g = new GraphBuilder();
  const h = g.param('h', [6, 4]);
  const wte = g.param('wte', [10, 4]);
  const targets = g.input('targets', 'int64', [6]);
  const loss = crossEntropy(g, g.gemm(h, wte, { transB: true }), targets);
  const forwardCount = g.nodes.length;
  const [dh, dwte] = grad(loss, [h, wte]);
  validateGraph(g);
  const backward = liveNodes([dh, dwte]).filter(n => n.id >= forwardCount);
  const logitsSized = backward.filter(n => n.outputs[0].shape.join() === '6,10').map(n => n.op);
  assert.deepEqual(logitsSized.sort(), ['Exp', 'ScatterElements']);
  const gemms = backward.filter(n => n.op === 'Gemm');
  assert.equal(gemms.length, 2);
  for (const gemm of gemms) assert.ok(Math.abs((gemm.attrs as { alpha?: number }).alpha! - 1 / 6) < 1e-7); // a float32 constant
});
