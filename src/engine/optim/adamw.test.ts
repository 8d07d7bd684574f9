import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AdamW } from './adamw';
import { createAdamWUpdater } from './adamwKernel';

/** The textbook AdamW step in float64, for one scalar. */
function referenceSteps(p0: number, grads: number[], lr: number, b1: number, b2: number, eps: number, wd: number): number {
  let [p, m, v] = [p0, 0, 0];
  grads.forEach((g, i) => {
    const t = i + 1;
    p -= lr * wd * p;
    m = b1 * m + (1 - b1) * g;
    v = b2 * v + (1 - b2) * g * g;
    p -= (lr * (m / (1 - b1 ** t))) / (Math.sqrt(v / (1 - b2 ** t)) + eps);
  });
  return p;
}

for (const wasm of [true, false]) {
  test(`AdamW matches the reference update, per group (${wasm ? 'wasm SIMD' : 'JS'})`, () => {
    const params = { a: Float32Array.from([1, -2]), b: Float32Array.from([0.5]) };
    const opt = new AdamW(
      params,
      [
        { params: ['a'], lr: 0.1, weightDecay: 0.1 },
        { params: ['b'], lr: 0.01, betas: [0.8, 0.99], weightDecay: 0 },
      ],
      {},
      { wasm },
    );
    const grads = [
      { a: Float32Array.from([0.3, -1]), b: Float32Array.from([2]) },
      { a: Float32Array.from([-0.2, 0.5]), b: Float32Array.from([-1]) },
    ];
    for (const g of grads) opt.update(g);
    const close = (x: number, y: number) => assert.ok(Math.abs(x - y) < 1e-6, `${x} vs ${y}`);
    close(params.a[0], referenceSteps(1, [0.3, -0.2], 0.1, 0.9, 0.999, 1e-8, 0.1));
    close(params.a[1], referenceSteps(-2, [-1, 0.5], 0.1, 0.9, 0.999, 1e-8, 0.1));
    close(params.b[0], referenceSteps(0.5, [2, -1], 0.01, 0.8, 0.99, 1e-8, 0));
    assert.equal(opt.step, 2);
  });
}

test('AdamW lrScale scales the step, and state round-trips', () => {
  const make = () => ({ w: Float32Array.from([1, 2, 3]) });
  const p1 = make();
  const p2 = make();
  const o1 = new AdamW(p1, [], { lr: 0.1, weightDecay: 0 });
  const o2 = new AdamW(p2, [], { lr: 0.05, weightDecay: 0 });
  const g = { w: Float32Array.from([1, -1, 0.5]) };
  o1.update(g, 0.5);
  o2.update(g);
  assert.deepEqual(p1.w, p2.w);
  const restored = new AdamW(make(), [], { lr: 0.1 });
  restored.loadState(o1.state());
  assert.equal(restored.step, 1);
  assert.deepEqual(restored.state().m.w, o1.state().m.w);
});

test('AdamW minimises a quadratic; unknown names are refused', () => {
  const params = { x: Float32Array.from([3, -4]) };
  const opt = new AdamW(params, [], { lr: 0.1, weightDecay: 0 });
  for (let i = 0; i < 300; i++) opt.update({ x: Float32Array.from(params.x, v => 2 * v) });
  assert.ok(Math.abs(params.x[0]) < 0.05 && Math.abs(params.x[1]) < 0.05, `${params.x}`);
  assert.throws(() => new AdamW(params, [{ params: ['y'] }]), /no parameter named 'y'/);
  assert.throws(() => opt.update({}), /no gradient for 'x'/);
});

test('the wasm SIMD update agrees with the JS loop over several blocks and a ragged tail', t => {
  const n = 3 * 16384 + 7; // more than one kernel block, not a multiple of 4 lanes
  const wasm = createAdamWUpdater([5, n]);
  const js = createAdamWUpdater([5, n], { wasm: false });
  if (wasm.moments[1].m.buffer === js.moments[1].m.buffer) return t.skip('no wasm SIMD on this host');
  const values = Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 0.1);
  const [pw, pj] = [values.slice(), values.slice()];
  for (let step = 1; step <= 3; step++) {
    const g = Float32Array.from({ length: n }, (_, i) => Math.cos(i * 0.7 + step) * 0.01);
    const scalars = {
      c1: 0.1,
      c2: 0.001,
      decay: 1 - 1e-4,
      stepSize: (1e-2 * Math.sqrt(1 - 0.999 ** step)) / (1 - 0.9 ** step),
      epsHat: 1e-8,
    };
    wasm.update(1, pw, g, scalars);
    js.update(1, pj, g, scalars);
  }
  let worst = 0;
  for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(pw[i] - pj[i]));
  assert.ok(worst < 1e-6, `largest difference ${worst}`);
  assert.ok(js.moments[1].v.every((v, i) => Math.abs(v - wasm.moments[1].v[i]) <= 1e-6 * v + 1e-12));
  assert.ok(
    wasm.moments[0].m.every(m => m === 0),
    "the other parameter's moments are untouched",
  );
});

test("AdamW with resident arrays: same steps as with the caller's arrays, updated where they are", () => {
  const n = 4 * 1000 + 3; // a ragged tail handled beside the whole vectors
  const initial = { w: Float32Array.from({ length: n }, (_, i) => Math.sin(i)), b: Float32Array.from([0.5, -0.25]) };
  const plain = { w: initial.w.slice(), b: initial.b.slice() };
  const reference = new AdamW(plain, [], { lr: 0.01 });
  const resident = new AdamW(initial, [], { lr: 0.01 }, { resident: true });
  const params = resident.parameters;
  const grads = resident.gradients!;
  assert.notEqual(params.w, initial.w, 'the optimiser holds its own copy');
  assert.deepEqual(Array.from(params.w), Array.from(initial.w));
  for (let step = 1; step <= 3; step++) {
    const g = { w: Float32Array.from({ length: n }, (_, i) => Math.cos(i + step)), b: Float32Array.from([step, -1]) };
    grads.w.set(g.w);
    grads.b.set(g.b);
    resident.update(grads);
    reference.update(g);
  }
  let worst = 0;
  for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(params.w[i] - plain.w[i]));
  assert.ok(worst < 1e-6, `largest difference ${worst}`);
  assert.ok(Math.abs(params.b[1] - plain.b[1]) < 1e-6);
  assert.notEqual(params.w[n - 1], initial.w[n - 1], 'the tail was updated');
  assert.equal(resident.parameters.w, params.w, 'the same arrays every time');
});
