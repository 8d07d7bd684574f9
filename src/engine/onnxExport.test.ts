// ONNX serialisation: decode the bytes with onnx-proto and compare with the graph; dead code is left out.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { onnx } from 'onnx-proto';
import { GraphBuilder } from './builder';
import { exportOnnx, OPSET } from './onnxExport';

// Plain objects with int64s as numbers; `any` because onnx-proto types every field as optional.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const decode = (bytes: Uint8Array): any => onnx.ModelProto.toObject(onnx.ModelProto.decode(bytes), { longs: Number, defaults: true });

test('a model round-trips through ModelProto bytes', () => {
  const g = new GraphBuilder();
  const x = g.input('x', 'float32', ['B', 4]);
  const w = g.param('w', [4, 3]);
  const unused = g.param('unused', [7]);
  const y = g.sum(g.relu(g.matmul(x, w)), -1);
  g.exp(unused); // dead code: not needed by the outputs
  const bias = g.constant(Float32Array.from([1, 2, 3]), [3]);
  const z = g.add(g.matmul(x, w), bias);
  const model = exportOnnx({ y, z });

  const decoded = decode(model.bytes);
  assert.equal(decoded.opsetImport[0].version, OPSET);
  const graph = decoded.graph;
  assert.deepEqual(
    graph.input.map((i: { name: string }) => i.name),
    ['x', 'w'],
  );
  assert.deepEqual(
    graph.output.map((o: { name: string }) => o.name),
    ['y', 'z'],
  );
  const xDims = graph.input[0].type!.tensorType!.shape!.dim!;
  assert.equal(xDims[0].dimParam, 'B');
  assert.equal(xDims[1].dimValue, 4);
  // x @ w asked for twice is one node (the builder shares identical nodes).
  assert.deepEqual(
    graph.node.map((n: { opType: string }) => n.opType),
    ['MatMul', 'Relu', 'ReduceSum', 'Add'],
  );
  const reduce = graph.node[2];
  assert.equal(reduce.attribute.find((a: { name: string }) => a.name === 'keepdims').i, 0);
  const axes = graph.initializer.find((i: { name: string }) => i.name === reduce.input[1]);
  assert.deepEqual(Array.from(new BigInt64Array(Uint8Array.from(axes.rawData).buffer)), [1n]);
  const biasInit = graph.initializer.find((i: { name: string }) => i.name === graph.node[3].input[1]);
  assert.deepEqual(Array.from(new Float32Array(Uint8Array.from(biasInit.rawData).buffer)), [1, 2, 3]);
  assert.equal(model.hash.length, 64);
  assert.equal(exportOnnx({ y, z }).hash, model.hash, 'export is deterministic');
});

test('an output that is a feed or is fetched twice gets an Identity node', () => {
  const g = new GraphBuilder();
  const x = g.input('x', 'float32', [2]);
  const y = g.neg(x);
  const model = exportOnnx({ a: y, b: y, c: x });
  const graph = decode(model.bytes).graph;
  assert.deepEqual(
    graph.node.map((n: { opType: string; input: string[]; output: string[] }) => `${n.opType}:${n.input.join()}->${n.output.join()}`),
    ['Neg:x->a', 'Identity:a->b', 'Identity:x->c'],
  );
  assert.throws(() => exportOnnx({ x: y }), /also an input name/);
});
