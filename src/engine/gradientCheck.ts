// Finite-difference gradient check: compares the gradients autodiff builds with central differences
// of the same ONNX graph run by onnxruntime. The output is projected on a fixed random tensor R
// (loss = sum(out * R)) so every output element counts; the projection is summed in float64 on the
// host, and the actual float32 step (x+eps) - (x-eps) is used, so float32 rounding stays well below
// the tolerances while a wrong rule (a missing factor, a wrong sign, a wrong axis) is far outside them.

import { grad } from './autodiff';
import { GraphBuilder } from './builder';
import { Tensor, validateGraph } from './graph';
import { VjpTable } from './gradients';
import { exportOnnx } from './onnxExport';
import { Op } from './ops';
import { createRandom } from './random';
import { ortRuntime } from './runtime/ort';
import { Feed, HostTensor } from './runtime/runtime';

export interface GradientCheckCase {
  /** Builds the op under test: its float32 output and the float32 feeds to differentiate. */
  build(g: GraphBuilder): { output: Tensor; wrt: Tensor[] };
  /** Values for every feed the graph declares (static shapes, so bare arrays will do). */
  feeds: Record<string, Feed>;
}

export interface GradientCheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Elements checked per differentiated tensor (a random subset beyond this). */
  maxElements?: number;
  rules?: VjpTable;
  seed?: number;
}

export interface GradientCheckResult {
  readonly ok: boolean;
  readonly mismatches: readonly string[];
  /** Largest |numeric - analytic| / (atol + rtol * |numeric|) seen; <= 1 passes. */
  readonly worstRatio: number;
  /** Ops of the forward graph (for coverage). */
  readonly ops: readonly Op[];
}

function dot(values: Float32Array, weights: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] * weights[i];
  return sum;
}

export async function gradientCheck(testCase: GradientCheckCase, options: GradientCheckOptions = {}): Promise<GradientCheckResult> {
  const { eps = 1e-2, atol = 1e-3, rtol = 1e-2, maxElements = 24, seed = 1 } = options;
  const random = createRandom(seed);
  const g = new GraphBuilder();
  const { output, wrt } = testCase.build(g);
  validateGraph(g);
  const ops = [...new Set(g.nodes.map(n => n.op))];
  for (const w of wrt) {
    if ((w.kind !== 'input' && w.kind !== 'param') || w.dtype !== 'float32') throw new Error(`gradientCheck: ${w} must be a float32 feed`);
  }
  if (output.dtype !== 'float32') throw new Error('gradientCheck: the output must be float32');

  const projection = random.uniforms(output.size, -1, 1);
  const loss = g.sum(g.mul(output, g.constant(projection, output.shape)));
  const grads = grad(loss, wrt, { rules: options.rules });
  validateGraph(g);

  const fetches: Record<string, Tensor> = { out: output };
  grads.forEach((t, i) => (fetches[`grad:${wrt[i].name}`] = t));
  const analyticSession = await ortRuntime.load(exportOnnx(fetches), { intraOpNumThreads: 1 });
  const forwardSession = await ortRuntime.load(exportOnnx({ out: output }), { intraOpNumThreads: 1 });
  const analytic = await analyticSession.run(testCase.feeds);

  const evaluate = async (name: string, values: Float32Array): Promise<number> => {
    const out = await forwardSession.run({ ...testCase.feeds, [name]: values });
    return dot(out.out.data as Float32Array, projection);
  };

  const mismatches: string[] = [];
  let worstRatio = 0;
  for (const w of wrt) {
    const name = w.name as string;
    const feed = testCase.feeds[name];
    const base = (ArrayBuffer.isView(feed) ? feed : (feed as HostTensor).data) as Float32Array;
    const expected = analytic[`grad:${name}`].data as Float32Array;
    const order = Array.from({ length: base.length }, (_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = random.int(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    const picked = order.slice(0, maxElements);
    for (const i of picked) {
      const plus = base.slice();
      const minus = base.slice();
      plus[i] = base[i] + eps;
      minus[i] = base[i] - eps;
      const numeric = ((await evaluate(name, plus)) - (await evaluate(name, minus))) / (plus[i] - minus[i]);
      const ratio = Math.abs(numeric - expected[i]) / (atol + rtol * Math.abs(numeric));
      worstRatio = Math.max(worstRatio, Number.isNaN(ratio) ? Infinity : ratio);
      if (!(ratio <= 1)) mismatches.push(`d/d${name}[${i}]: numeric ${numeric.toPrecision(6)}, analytic ${expected[i].toPrecision(6)}`);
    }
  }
  await analyticSession.release();
  await forwardSession.release();
  return { ok: mismatches.length === 0, mismatches, worstRatio, ops };
}
