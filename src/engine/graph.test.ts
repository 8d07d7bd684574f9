// Builder and IR: shape/dtype inference, clear errors, the validator, peepholes, symbolic dims.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GraphBuilder } from './builder';
import { validateGraph } from './graph';
import { ShapeError } from './ops';

test('shapes are inferred as the graph is built', () => {
  const g = new GraphBuilder();
  const x = g.input('x', 'float32', [8, 128, 64]);
  const w = g.param('w', [64, 32]);
  const y = g.matmul(x, w);
  assert.deepEqual(y.shape, [8, 128, 32]);
  assert.deepEqual(g.sum(y, -1, true).shape, [8, 128, 1]);
  assert.deepEqual(g.add(y, g.param('b', [32])).shape, [8, 128, 32]);
  assert.deepEqual(g.gather(g.param('emb', [100, 16]), g.input('tok', 'int64', [2, 5])).shape, [2, 5, 16]);
  const { values, indices } = g.topk(y, 4);
  assert.deepEqual(values.shape, [8, 128, 4]);
  assert.equal(indices.dtype, 'int64');
  assert.deepEqual(
    g.split(y, [8, 24], -1).map(t => t.shape),
    [
      [8, 128, 8],
      [8, 128, 24],
    ],
  );
  assert.deepEqual(g.reshape(y, [8, 128, 4, -1]).shape, [8, 128, 4, 8]);
  validateGraph(g);
});

test('bad shapes and dtypes fail with messages that name the op and the operands', () => {
  const g = new GraphBuilder();
  const x = g.input('x', 'float32', [2, 3]);
  assert.throws(() => g.matmul(x, g.param('w', [4, 5])), /MatMul\(float32\[2,3\], float32\[4,5\]\): inner dims differ/);
  assert.throws(() => g.add(x, g.input('y', 'float32', [4])), ShapeError);
  assert.throws(() => g.add(x, g.input('i', 'int64', [3])), /dtypes differ/);
  assert.throws(() => g.exp(g.input('j', 'int32', [3])), /must be a float tensor/);
  assert.throws(() => g.reshape(x, [4, 2]), /cannot reshape/);
  assert.throws(() => g.sum(x, 2), /axis 2 out of range/);
  assert.throws(() => g.input('x', 'float32', [1]), /already exists/);
});

test('peepholes fold transposes and reshapes', () => {
  const g = new GraphBuilder();
  const x = g.input('x', 'float32', [2, 3, 4]);
  const t = g.transpose(g.transpose(x, [1, 2, 0]), [2, 0, 1]);
  assert.equal(t, x);
  const r = g.reshape(g.reshape(x, [6, 4]), [2, 12]);
  assert.equal(r.producer?.node.inputs[0], x);
  assert.equal(g.reshape(x, [2, 3, 4]), x);
  assert.equal(g.mul(x, 1), x);
});

test('an op already applied to the same inputs and attributes is shared, not added again', () => {
  const g = new GraphBuilder();
  const x = g.input('x', 'float32', [2, 3, 4]);
  const t = g.transpose(x, [0, 2, 1]);
  assert.equal(g.transpose(x, [0, 2, 1]), t);
  assert.notEqual(g.transpose(x, [1, 0, 2]), t);
  const [a, b] = g.split(x, 2, 0);
  assert.deepEqual(g.split(x, 2, 0), [a, b]);
  assert.notEqual(g.sum(x, 1), g.sum(x, 1, true));
  assert.equal(g.full([2], -Infinity).producer?.node === g.full([2], NaN).producer?.node, false);
  const nodes = g.nodes.length;
  g.exp(t);
  g.exp(t);
  assert.equal(g.nodes.length, nodes + 1);
});

test('peepholes keep backward graphs lean', () => {
  const g = new GraphBuilder();
  const x = g.input('x', 'float32', [4, 3]);
  const s = g.input('s', 'float32', [4, 1]);
  const expanded = g.expand(s, [4, 3]);
  // an Expand feeding an elementwise op is dropped: the op broadcasts by itself
  assert.equal(g.mul(expanded, x).producer?.node.inputs[0], s);
  // a scalar multiplies the small tensor, inside the broadcast
  const scaled = g.mul(expanded, 2);
  assert.equal(scaled.producer?.node.op, 'Expand');
  assert.equal(scaled.producer?.node.inputs[0].producer?.node.inputs[0], s);
  // chained scalings fold into one
  const twice = g.mul(g.mul(x, 3), 0.5);
  assert.equal(twice.producer?.node.inputs[0], x);
  assert.equal(Number(twice.producer?.node.inputs[1].data?.[0]), 1.5);
  // a transposed Gemm operand becomes a flag
  const w = g.param('w', [5, 3]);
  const y = g.gemm(x, g.transpose(w, [1, 0]));
  assert.deepEqual(y.producer?.node.inputs, [x, w]);
  assert.deepEqual(y.producer?.node.attrs, { transA: false, transB: true });
  // reducing size-1 axes is a reshape
  assert.equal(g.sum(s, 1).producer?.node.op, 'Reshape');
  validateGraph(g);
});

test('symbolic dims flow through broadcasting, reshapes and reductions', () => {
  const g = new GraphBuilder();
  const x = g.input('x', 'float32', [1, 'T', 8]);
  const h = g.reshape(x, [1, 'T', 2, 4]);
  assert.deepEqual(h.shape, [1, 'T', 2, 4]);
  assert.deepEqual(g.transpose(h, [0, 2, 1, 3]).shape, [1, 2, 'T', 4]);
  assert.deepEqual(g.add(x, g.param('b', [8])).shape, [1, 'T', 8]);
  assert.throws(() => g.add(x, g.input('y', 'float32', [1, 'S', 8])), /cannot broadcast/);
  assert.throws(() => g.slice(x, 1, 0, 2), /symbolic/);
  const cache = g.input('cache', 'float32', [1, 'P', 8]);
  assert.deepEqual(g.concat([cache, x], 1).shape, [1, 'P+T', 8]);
  assert.deepEqual(g.concat([cache, g.input('one', 'float32', [1, 1, 8])], 1).shape, [1, 'P+1', 8]);
  validateGraph(g);
});

test('the validator catches a node whose stored output type is wrong', () => {
  const g = new GraphBuilder();
  const x = g.input('x', 'float32', [2, 3]);
  const y = g.exp(x);
  (y as { shape: unknown }).shape = [3, 2];
  assert.throws(() => validateGraph(g), /inference says float32\[2,3\]/);
});
