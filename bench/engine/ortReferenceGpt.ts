// mnemo's engine side of the benchmark: the reference GPT built with the engine's graph builder,
// differentiated by its autodiff, exported to ONNX and run on onnxruntime-node. A training step is
// one session run that fetches the loss and every parameter gradient, then the engine's AdamW (its
// wasm SIMD kernel, on arrays it holds itself).
// The forward pass is a separate session over the same batch that fetches only the loss.

import {
  AdamW,
  causalMask,
  crossEntropy,
  exportOnnx,
  gelu,
  grad,
  GraphBuilder,
  ortRuntime,
  rmsNorm,
  Session,
  Tensor,
} from '../../src/engine';
import { ReferenceGptConfig } from './referenceGptConfig';
import { NamedParameter, TokenBatch } from './referenceGptWeights';

export interface OrtReferenceGpt {
  /** Loss of the batch without updating anything (forward only). */
  forwardLoss(): Promise<number>;
  /** One AdamW step on the batch. */
  trainStep(): Promise<TrainStepReport>;
  dispose(): Promise<void>;
}

export interface TrainStepReport {
  /** Loss before the update. */
  readonly loss: number;
  /** The session run that produces the loss and all gradients. */
  readonly sessionMs: number;
  /** The AdamW update in JS. */
  readonly optimiserMs: number;
}

interface ReferenceGptGraph {
  readonly loss: Tensor;
  readonly params: readonly Tensor[];
}

/** The model as a graph; parameter names and shapes follow referenceGptWeights.ts. */
export function buildReferenceGptGraph(g: GraphBuilder, config: ReferenceGptConfig): ReferenceGptGraph {
  const { batchSize: B, contextLength: T, dModel: D, nHeads: H, headDim: Dh, vocabSize: V } = config;
  const tokens = g.input('tokens', 'int32', [B, T]);
  const targets = g.input('targets', 'int32', [B, T]);
  const wte = g.param('wte', [V, D]);
  const wpe = g.param('wpe', [T, D]);

  const splitHeads = (x: Tensor): Tensor => g.transpose(g.reshape(x, [B, T, H, Dh]), [0, 2, 1, 3]); // (B, H, T, Dh)
  let x = g.reshape(g.add(g.gather(wte, tokens), wpe), [B * T, D]);
  for (let i = 0; i < config.nLayers; i++) {
    const h = rmsNorm(g, x, g.param(`h${i}.ln1`, [D]), config.rmsNormEps);
    const [q, k, v] = g.split(g.matmul(h, g.param(`h${i}.wqkv`, [D, 3 * D])), 3, -1);
    const scores = causalMask(g, g.mul(g.matmul(splitHeads(q), g.transposeLast2(splitHeads(k))), 1 / Math.sqrt(Dh)));
    const attended = g.matmul(g.softmax(scores, -1), splitHeads(v)); // (B, H, T, Dh)
    const merged = g.reshape(g.transpose(attended, [0, 2, 1, 3]), [B * T, D]);
    x = g.add(x, g.matmul(merged, g.param(`h${i}.wo`, [D, D])));
    const h2 = rmsNorm(g, x, g.param(`h${i}.ln2`, [D]), config.rmsNormEps);
    const hidden = gelu(g, g.matmul(h2, g.param(`h${i}.w1`, [D, config.mlpHidden])), 'erf');
    x = g.add(x, g.matmul(hidden, g.param(`h${i}.w2`, [config.mlpHidden, D])));
  }
  const final = rmsNorm(g, x, g.param('lnf', [D]), config.rmsNormEps);
  const logits = g.gemm(final, wte, { transB: true }); // tied output projection (B*T, V)
  const loss = crossEntropy(g, logits, g.reshape(targets, [B * T]));
  return { loss, params: g.params() };
}

export async function createOrtReferenceGpt(
  config: ReferenceGptConfig,
  parameters: readonly NamedParameter[],
  batch: TokenBatch,
  learningRate: number,
): Promise<OrtReferenceGpt> {
  const forwardGraph = buildReferenceGptGraph(new GraphBuilder(), config);
  const forwardSession = await ortRuntime.load(exportOnnx({ loss: forwardGraph.loss }));

  const trainGraph = buildReferenceGptGraph(new GraphBuilder(), config);
  const grads = grad(trainGraph.loss, trainGraph.params);
  const fetches: Record<string, Tensor> = { loss: trainGraph.loss };
  trainGraph.params.forEach((p, i) => (fetches[`grad.${p.name}`] = grads[i]));
  const trainSession: Session = await ortRuntime.load(exportOnnx(fetches));

  const initial: Record<string, Float32Array> = {};
  for (const p of parameters) initial[p.name] = Float32Array.from(p.values);
  for (const p of trainGraph.params) {
    if (p.name === undefined || !initial[p.name]) throw new Error(`no initial value for parameter ${p}`);
  }
  // The optimiser holds the parameters and gradients where its kernel updates them without copies
  // (resident arrays); they are fed zero-copy and updated in place between runs.
  const optimiser = new AdamW(initial, [], { lr: learningRate }, { resident: true });
  const values = optimiser.parameters;
  const gradients = optimiser.gradients as Record<string, Float32Array>;
  const feeds = { ...values, tokens: batch.inputs, targets: batch.targets };
  // Gradients are written by onnxruntime straight into these arrays, which AdamW then reads.
  const trainFetches: Record<string, Float32Array | null> = { loss: null };
  for (const name of Object.keys(values)) trainFetches[`grad.${name}`] = gradients[name];

  const lossOf = (out: Record<string, { data: ArrayLike<number | bigint> }>): number => Number(out.loss.data[0]);
  return {
    forwardLoss: async () => lossOf(await forwardSession.run(feeds)),
    trainStep: async () => {
      const start = performance.now();
      const out = await trainSession.run(feeds, trainFetches);
      const ran = performance.now();
      optimiser.update(gradients);
      return { loss: lossOf(out), sessionMs: ran - start, optimiserMs: performance.now() - ran };
    },
    dispose: async () => {
      await forwardSession.release();
      await trainSession.release();
    },
  };
}
