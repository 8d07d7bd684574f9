// The onnxruntime runtime: named feeds and fetches, the session cache, symbolic dims, clear errors.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { GraphBuilder } from '../builder';
import { exportOnnx } from '../onnxExport';
import { createOrtRuntime } from './ort';

const runtime = createOrtRuntime();
after(() => runtime.releaseAll());

function affine() {
  const g = new GraphBuilder();
  const x = g.input('x', 'float32', ['N', 2]);
  const w = g.param('w', [2, 2]);
  return exportOnnx({ y: g.add(g.matmul(x, w), 1), total: g.sum(g.matmul(x, w)) });
}

test('runs a model with named feeds (extra feeds ignored) and fetches', async () => {
  const model = affine();
  const session = await runtime.load(model);
  const w = Float32Array.from([1, 2, 3, 4]);
  const out = await session.run({ x: { dtype: 'float32', shape: [1, 2], data: Float32Array.from([1, 1]) }, w, other: new Float32Array(3) });
  assert.deepEqual(Array.from(out.y.data as Float32Array), [5, 7]);
  assert.deepEqual(out.y.shape, [1, 2]);
  const onlyTotal = await session.run({ x: { dtype: 'float32', shape: [2, 2], data: Float32Array.from([1, 0, 0, 1]) }, w }, ['total']);
  assert.deepEqual(Object.keys(onlyTotal), ['total']);
  assert.equal((onlyTotal.total.data as Float32Array)[0], 10);
});

test('sessions are cached by model hash and options', async () => {
  const a = await runtime.load(affine());
  const b = await runtime.load(affine());
  const c = await runtime.load(affine(), { intraOpNumThreads: 1 });
  assert.equal(a, b);
  assert.notEqual(a, c);
});

test('missing feeds and wrong dtypes are reported by name', async () => {
  const session = await runtime.load(affine());
  await assert.rejects(session.run({ w: new Float32Array(4) }), /missing feed 'x' \(float32\[N,2\]\)/);
  await assert.rejects(session.run({ x: new Float32Array(2), w: new Float32Array(4) }), /symbolic shape/);
  await assert.rejects(
    session.run({ x: { dtype: 'int64', shape: [1, 2], data: new BigInt64Array(2) }, w: new Float32Array(4) }),
    /feed 'x' is int64/,
  );
});

test('outputs can be written into preallocated arrays', async () => {
  const session = await runtime.load(affine());
  const total = new Float32Array(1);
  const out = await session.run(
    { x: { dtype: 'float32', shape: [2, 2], data: Float32Array.from([1, 0, 0, 1]) }, w: Float32Array.from([1, 2, 3, 4]) },
    { total },
  );
  assert.equal(total[0], 10);
  assert.equal(out.total.data, total);
  const x = { dtype: 'float32', shape: [1, 2], data: new Float32Array(2) } as const;
  await assert.rejects(session.run({ x, w: new Float32Array(4) }, { y: new Float32Array(2) }), /output 'y' has a symbolic shape/);
});

test('a KV-cache style concat along a symbolic axis runs for any lengths', async () => {
  const g = new GraphBuilder();
  const past = g.input('past', 'float32', [1, 'P', 2]);
  const next = g.input('next', 'float32', [1, 'T', 2]);
  const both = g.concat([past, next], 1); // (1, P+T, 2)
  const session = await runtime.load(exportOnnx({ both, total: g.sum(both, [1, 2]) }));
  const feed = (n: number) => ({ dtype: 'float32', shape: [1, n, 2], data: new Float32Array(2 * n).fill(1) }) as const;
  const out = await session.run({ past: feed(3), next: feed(2) });
  assert.deepEqual(out.both.shape, [1, 5, 2]);
  assert.deepEqual(Array.from(out.total.data as Float32Array), [10]);
});
