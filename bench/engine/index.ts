// `npm run bench:engine`: trains the reference GPT of DESIGN.md §3 with mnemo's engine (ONNX graphs on
// onnxruntime-node) and with the peer, tfjs on its wasm backend, in one run, and prints as its last
// stdout line one JSON object with the figures issue 3 asks for. Each figure is a median of timed
// iterations after warm-up. The machine is shared: run it when nothing else is busy.
//
// Knobs (environment): BENCH_ENGINE_WARMUP / BENCH_ENGINE_ITERS (default 3 / 10),
// BENCH_TFJS_WARMUP / BENCH_TFJS_ITERS (default 2 / 3; one tfjs step takes ~20 s).

import { createOrtReferenceGpt, TrainStepReport } from './ortReferenceGpt';
import { referenceGptConfig, tokensPerBatch } from './referenceGptConfig';
import { parameterCount, randomTokenBatch, referenceGptParameters } from './referenceGptWeights';
import { createTfjsReferenceGpt, useTfjsWasmBackend } from './tfjsReferenceGpt';
import { availableParallelism, loadavg } from 'node:os';
import { median, Sample, summarise, timeIterations, timeOnce, Timing, tokensPerSecond } from './timing';

const weightSeed = 1234;
const dataSeed = 5678;
const learningRate = 1e-3;
/** Both sides start from the same weights and batch, so their first losses must agree this closely. */
const lossAgreementTolerance = 1e-3;

function envCount(name: string, fallback: number, minimum: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < minimum) throw new Error(`${name} must be an integer >= ${minimum}, got ${raw}`);
  return value;
}

function describe(timing: Timing, tokens: number): string {
  const wall = timing.samples.map(x => x.wallMs.toFixed(1)).join(', ');
  return (
    `${timing.label}: median ${timing.medianMs.toFixed(1)} ms = ${tokensPerSecond(tokens, timing.medianMs).toFixed(1)} tokens/s ` +
    `(wall ms: ${wall}; median process CPU ${timing.medianCpuMs.toFixed(1)} ms)`
  );
}

function describeLoad(when: string): string {
  const [one, five] = loadavg();
  const busy =
    one > 1 ? " - other processes are running: wall-clock figures are pessimistic, the engine's multi-threaded sessions most" : '';
  return `load average ${when}: ${one.toFixed(2)} (1 min), ${five.toFixed(2)} (5 min) on ${availableParallelism()} cores${busy}`;
}

const round = (x: number, digits: number): number => Number(x.toFixed(digits));

async function main(): Promise<void> {
  const config = referenceGptConfig;
  const tokens = tokensPerBatch(config);
  const parameters = referenceGptParameters(config, weightSeed);
  const batch = randomTokenBatch(config, dataSeed);
  console.log(describeLoad('at start'));
  console.log(
    `reference GPT: ${parameterCount(parameters)} parameters, vocab ${config.vocabSize}, d ${config.dModel}, ` +
      `${config.nLayers} layers x ${config.nHeads} heads, batch ${config.batchSize} x ${config.contextLength} = ${tokens} tokens`,
  );

  // mnemo's engine. Forward and train iterations alternate so that load from other processes on
  // the shared machine disturbs both about equally and their ratio stays meaningful.
  const engineWarmup = envCount('BENCH_ENGINE_WARMUP', 3, 0);
  const engineIters = envCount('BENCH_ENGINE_ITERS', 10, 1);
  const ort = await createOrtReferenceGpt(config, parameters, batch, learningRate);
  const ortInitialLoss = await ort.forwardLoss();
  console.log(`engine: initial loss ${ortInitialLoss.toFixed(5)}`);
  const forwardSamples: Sample[] = [];
  const trainSamples: Sample[] = [];
  const ortLosses: number[] = [];
  const sessionMs: number[] = [];
  const optimiserMs: number[] = [];
  const forward = async (): Promise<void> => void (await ort.forwardLoss());
  let lastStep: TrainStepReport | undefined;
  const train = async (): Promise<void> => {
    lastStep = await ort.trainStep();
    ortLosses.push(lastStep.loss);
  };
  for (let i = 0; i < engineWarmup; i++) {
    await forward();
    await train();
  }
  for (let i = 0; i < engineIters; i++) {
    forwardSamples.push(await timeOnce(forward));
    trainSamples.push(await timeOnce(train));
    if (lastStep) {
      sessionMs.push(lastStep.sessionMs);
      optimiserMs.push(lastStep.optimiserMs);
    }
  }
  await ort.dispose();
  const ortForward = summarise('engine forward', forwardSamples);
  const ortTrain = summarise('engine train step (forward+backward+AdamW)', trainSamples);
  console.log(describe(ortForward, tokens));
  console.log(describe(ortTrain, tokens));
  console.log(
    `engine train step parts: session run (loss + all grads) median ${median(sessionMs).toFixed(1)} ms, ` +
      `AdamW update median ${median(optimiserMs).toFixed(1)} ms`,
  );
  console.log(`engine: losses over the steps ${ortLosses.map(l => l.toFixed(4)).join(' ')}`);

  // The peer: tfjs + wasm backend, Adam.
  await useTfjsWasmBackend();
  const tfjs = createTfjsReferenceGpt(config, parameters, batch, learningRate);
  const tfjsLosses: number[] = [];
  const tfjsTrain = await timeIterations(
    'tfjs-wasm train step (forward+backward+Adam)',
    envCount('BENCH_TFJS_WARMUP', 2, 0),
    envCount('BENCH_TFJS_ITERS', 3, 1),
    () => void tfjsLosses.push(tfjs.trainStep()),
  );
  tfjs.dispose();
  console.log(describe(tfjsTrain, tokens));
  console.log(`tfjs-wasm: losses over the steps ${tfjsLosses.map(l => l.toFixed(4)).join(' ')}`);

  if (tfjsLosses.length > 0) {
    const gap = Math.abs(tfjsLosses[0] - ortInitialLoss);
    const verdict = gap <= lossAgreementTolerance ? 'agree' : 'DISAGREE: the two sides do not run the same model';
    console.log(`initial loss: engine ${ortInitialLoss.toFixed(5)}, tfjs ${tfjsLosses[0].toFixed(5)} (${verdict})`);
    if (gap > lossAgreementTolerance) process.exitCode = 1;
  }
  if (tfjsLosses.length > 1 && ortLosses.length > 1) {
    // After one update (AdamW with weight decay 0.01 vs Adam: nearly the same step), an end-to-end
    // check of the gradients; informative only.
    console.log(`loss after one update: engine ${ortLosses[1].toFixed(5)}, tfjs ${tfjsLosses[1].toFixed(5)}`);
  }

  console.log(describeLoad('at end'));
  const trainTokensPerS = tokensPerSecond(tokens, ortTrain.medianMs);
  const tfjsTokensPerS = tokensPerSecond(tokens, tfjsTrain.medianMs);
  console.log(
    JSON.stringify({
      train_tokens_per_s: round(trainTokensPerS, 1),
      forward_tokens_per_s: round(tokensPerSecond(tokens, ortForward.medianMs), 1),
      tfjs_wasm_train_tokens_per_s: round(tfjsTokensPerS, 2),
      speedup_vs_tfjs_wasm: round(trainTokensPerS / tfjsTokensPerS, 1),
      step_over_forward: round(ortTrain.medianMs / ortForward.medianMs, 2),
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
