// Pretraining: `npm run train -- [options]`. Trains the memory model (or, with --dense, the dense
// baseline of equal FLOPs) on corpus/*.bin with a fixed seed, logs to <run>/log.jsonl, checkpoints
// to <run>/ckpt-NNNNNNNN every --checkpoint-minutes, and resumes from the latest checkpoint with
// --resume (the run's settings are read back from <run>/run.json).
//
//   npm run train -- --run runs/pkm-small --size small --steps 20000
//   npm run train -- --run runs/pkm-small --resume
//   npm run train -- --run runs/pkm-small-2 --init native/model --steps 30000 --lr 3e-4
//     (continues at the checkpoint's step; the warmup + cosine schedule spans this run's own steps)
//   npm run train -- --run runs/dense-small --size small --dense --steps 20000

import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { AdamW, AdamWState, clipGradNorm, ortRuntime, warmupCosine } from '../../src/engine';
import { loadCheckpoint, saveCheckpoint } from '../../src/model/checkpoint';
import { ModelConfig, denseBaselineOf, memorySlots, validateConfig } from '../../src/model/config';
import { buildEvaluationGraph, buildTrainingGraph, feedNames, outputNames } from '../../src/model/modelGraphs';
import { ParameterGroup, Parameters, countParameters, initParameters, parameterSpecs } from '../../src/model/parameters';
import { TOKENIZER_ID } from '../../src/model/tokenizer';
import { latestCheckpoint } from '../../src/model/training/runDirectory';
import { LoopPosition, runTrainingLoop } from '../../src/model/training/trainingLoop';
import { modelSizes } from './modelSizes';
import { batchAt, evaluationBatches, heldoutTokens, trainingSampler } from './tokenBatches';

/** Everything that defines a run; stored in run.json so --resume continues it unchanged. */
interface RunSettings {
  readonly config: ModelConfig;
  readonly seed: number;
  readonly batch: number;
  readonly length: number;
  readonly steps: number;
  readonly learningRate: number;
  readonly valueLearningRate: number;
  readonly warmupSteps: number;
  readonly weightDecay: number;
  readonly qaShare: number;
  /** Weight of the memory usage loss against slot collapse (pkm.ts, pkmUsageLoss). */
  readonly memoryUsageWeight: number;
  readonly corpusDir: string;
  /** The step of the --init checkpoint (0 for a random init): the schedule spans steps - initStep updates. */
  readonly initStep?: number;
}

const { values: args } = parseArgs({
  options: {
    run: { type: 'string', default: 'runs/pkm-small' },
    size: { type: 'string', default: 'small' },
    dense: { type: 'boolean', default: false },
    resume: { type: 'boolean', default: false },
    // A new run whose weights start from a checkpoint (e.g. the shipped native/model) instead of a
    // random init: on a machine without runs/, training continues from what we ship (fresh optimiser).
    init: { type: 'string' },
    seed: { type: 'string', default: '1234' },
    batch: { type: 'string', default: '8' },
    length: { type: 'string', default: '256' },
    steps: { type: 'string' }, // default 20000; on --resume, extends (or shortens) the run
    lr: { type: 'string', default: '1.5e-3' },
    'value-lr': { type: 'string', default: '1e-3' },
    'warmup-steps': { type: 'string', default: '200' },
    'qa-share': { type: 'string', default: '0.15' },
    'usage-weight': { type: 'string', default: '0.02' },
    corpus: { type: 'string', default: 'corpus' },
    'checkpoint-minutes': { type: 'string', default: '10' },
    'checkpoint-steps': { type: 'string', default: '1000000' },
    'log-steps': { type: 'string', default: '20' },
    'eval-batches': { type: 'string', default: '8' },
    'max-minutes': { type: 'string' },
    // Stop after this step (with a checkpoint) without changing the schedule, e.g. a baseline at another run's tokens.
    'stop-at-step': { type: 'string' },
    threads: { type: 'string', default: '2' },
    // Read softmax sharpness (PkmConfig.scoreScale); with --init it may differ from the checkpoint's.
    'score-scale': { type: 'string' },
  },
});

function withScoreScale(config: ModelConfig): ModelConfig {
  if (args['score-scale'] === undefined) return config;
  return { ...config, pkm: { ...config.pkm, scoreScale: Number(args['score-scale']) } };
}

/** Equal configs, or configs that differ only in the read softmax's sharpness (which --init may change). */
function initCompatible(a: ModelConfig, b: ModelConfig): boolean {
  const strip = (c: ModelConfig) => JSON.stringify({ ...c, pkm: { ...c.pkm, scoreScale: undefined } });
  return strip(a) === strip(b);
}

function settingsFromArgs(): RunSettings {
  const size = modelSizes[args.size!];
  if (!size) throw new Error(`unknown --size ${args.size}; known: ${Object.keys(modelSizes).join(', ')}`);
  return {
    config: withScoreScale(args.dense ? denseBaselineOf(size) : size),
    seed: Number(args.seed),
    batch: Number(args.batch),
    length: Number(args.length),
    steps: Number(args.steps ?? 20000),
    learningRate: Number(args.lr),
    valueLearningRate: Number(args['value-lr']),
    warmupSteps: Number(args['warmup-steps']),
    weightDecay: 0.1,
    qaShare: Number(args['qa-share']),
    memoryUsageWeight: Number(args['usage-weight']),
    corpusDir: args.corpus!,
  };
}

/** The dense weights follow warmup + cosine decay to 10%; the value table learns at a constant
 *  rate after warmup (Lample et al.: Adam, lr 1e-3, no decay), so it gets its own AdamW. */
class RunOptimizer {
  private readonly dense: AdamW;
  private readonly values: AdamW | null;
  private readonly denseSchedule: (step: number) => number;

  constructor(
    private readonly settings: RunSettings,
    parameters: Parameters,
  ) {
    const data = Object.fromEntries([...parameters].map(([name, tensor]) => [name, tensor.data]));
    const namesIn = (group: ParameterGroup) =>
      parameterSpecs(settings.config)
        .filter(s => s.group === group)
        .map(s => s.name);
    const hyper = { lr: settings.learningRate, betas: [0.9, 0.95] as const, eps: 1e-8 };
    this.dense = new AdamW(data, [
      { params: namesIn('decay'), ...hyper, weightDecay: settings.weightDecay },
      { params: namesIn('no_decay'), ...hyper, weightDecay: 0 },
    ]);
    const valueNames = namesIn('memory_values');
    this.values =
      valueNames.length > 0 ? new AdamW(data, [{ params: valueNames, ...hyper, lr: settings.valueLearningRate, weightDecay: 0 }]) : null;
    // The optimiser counts its own updates from 0, so a run started from a checkpoint (--init) decays over its own steps.
    const totalSteps = settings.steps - (settings.initStep ?? 0);
    this.denseSchedule = warmupCosine({ warmupSteps: settings.warmupSteps, totalSteps, minFactor: 0.1 });
  }

  get step(): number {
    return this.dense.step;
  }

  /** The dense weights' learning rate for the next update. */
  get learningRate(): number {
    return this.settings.learningRate * this.denseSchedule(this.dense.step);
  }

  /** Clips the global gradient norm to 1 and updates every parameter; returns the norm. */
  update(gradients: Record<string, Float32Array>): number {
    const norm = clipGradNorm(Object.values(gradients), 1);
    const step = this.dense.step;
    this.dense.update(gradients, this.denseSchedule(step));
    this.values?.update(gradients, Math.min(1, (step + 1) / this.settings.warmupSteps));
    return norm;
  }

  /** Moments as checkpoint tensors "m/<param>" and "v/<param>". */
  tensors(): Map<string, Float32Array> {
    const out = new Map<string, Float32Array>();
    for (const state of [this.dense.state(), this.values?.state()]) {
      if (!state) continue;
      for (const [name, m] of Object.entries(state.m)) out.set(`m/${name}`, m);
      for (const [name, v] of Object.entries(state.v)) out.set(`v/${name}`, v);
    }
    return out;
  }

  restore(tensors: ReadonlyMap<string, Float32Array>, step: number): void {
    for (const optimizer of [this.dense, this.values]) {
      if (!optimizer) continue;
      const names = Object.keys(optimizer.state().m);
      const pick = (prefix: string) => Object.fromEntries(names.map(name => [name, tensors.get(`${prefix}/${name}`)!]));
      const state: AdamWState = { step, m: pick('m'), v: pick('v') };
      optimizer.loadState(state);
    }
  }
}

async function main(): Promise<void> {
  const runDir = args.run!;
  const runFile = path.join(runDir, 'run.json');
  let settings: RunSettings;
  if (args.resume) {
    if (!fs.existsSync(runFile)) throw new Error(`--resume: ${runFile} does not exist`);
    settings = JSON.parse(fs.readFileSync(runFile, 'utf8')) as RunSettings;
    if (args.steps !== undefined && Number(args.steps) !== settings.steps) {
      settings = { ...settings, steps: Number(args.steps) };
      fs.writeFileSync(runFile, JSON.stringify(settings, null, 2) + '\n');
    }
  } else {
    if (latestCheckpoint(runDir)) throw new Error(`${runDir} already has checkpoints: pass --resume, or choose another --run`);
    settings = settingsFromArgs();
    fs.mkdirSync(runDir, { recursive: true });
    fs.writeFileSync(runFile, JSON.stringify(settings, null, 2) + '\n');
  }
  const { config, batch: B, length: T } = settings;
  validateConfig(config);

  let parameters = initParameters(config, settings.seed);
  let start: LoopPosition = { step: 0, tokens: 0, elapsedSeconds: 0 };
  let optimizer = new RunOptimizer(settings, parameters);
  if (args.init !== undefined && !args.resume) {
    const initial = loadCheckpoint(args.init, TOKENIZER_ID);
    if (!initCompatible(initial.manifest.config, config)) {
      throw new Error(
        `--init ${args.init}: its model config differs from this run's (--size ${args.size}${args.dense ? ', --dense' : ''})`,
      );
    }
    const t = initial.manifest.training;
    if (t.steps >= settings.steps) throw new Error(`--init ${args.init} is at step ${t.steps}; --steps must be larger`);
    settings = { ...settings, initStep: t.steps };
    fs.writeFileSync(runFile, JSON.stringify(settings, null, 2) + '\n');
    parameters = initial.parameters;
    optimizer = new RunOptimizer(settings, parameters);
    start = { step: t.steps, tokens: t.tokens, elapsedSeconds: t.elapsedSeconds };
    process.stderr.write(`starting ${runDir} from ${args.init}: step ${t.steps} (${t.tokens} tokens), fresh optimiser state\n`);
  }
  const latest = args.resume ? latestCheckpoint(runDir) : null;
  if (latest) {
    const checkpoint = loadCheckpoint(latest.dir, TOKENIZER_ID);
    parameters = checkpoint.parameters;
    optimizer = new RunOptimizer(settings, parameters);
    optimizer.restore(checkpoint.optimizerState, Number(checkpoint.manifest.optimizer?.['step'] ?? checkpoint.manifest.training.steps));
    const t = checkpoint.manifest.training;
    start = { step: t.steps, tokens: t.tokens, elapsedSeconds: t.elapsedSeconds };
    process.stderr.write(`resuming ${runDir} from step ${t.steps} (${t.tokens} tokens)\n`);
  }

  const sampler = trainingSampler(settings.corpusDir, settings.seed, B, T, settings.qaShare);
  const heldout = evaluationBatches(heldoutTokens(settings.corpusDir), B, T, Number(args['eval-batches']));
  const sessionOptions = { intraOpNumThreads: Number(args.threads) };
  const trainSession = await ortRuntime.load(
    buildTrainingGraph(config, B, T, { memoryUsageWeight: settings.memoryUsageWeight ?? 0 }),
    sessionOptions,
  );
  const evalSession = await ortRuntime.load(buildEvaluationGraph(config, B, T), sessionOptions);
  const parameterFeeds = () => Object.fromEntries([...parameters].map(([name, tensor]) => [name, tensor.data]));
  const names = [...parameters.keys()];
  process.stderr.write(
    `${config.memoryKind} model: ${countParameters(parameters)} parameters, ${config.memoryKind === 'pkm' ? memorySlots(config) : 0} slots; ` +
      `batch ${B} x ${T}\n`,
  );

  const evaluate = async () => {
    let total = 0;
    for (const batch of heldout) {
      const out = await evalSession.run({ ...parameterFeeds(), [feedNames.tokens]: batch.tokens, [feedNames.targets]: batch.targets });
      total += (out[outputNames.loss]!.data as Float32Array)[0]!;
    }
    return total / heldout.length;
  };

  const end = await runTrainingLoop({
    runDir,
    totalSteps: settings.steps,
    tokensPerStep: B * T,
    memorySlots: config.memoryKind === 'pkm' ? memorySlots(config) : 0,
    logEverySteps: Number(args['log-steps']),
    checkpointEverySteps: Number(args['checkpoint-steps']),
    checkpointEveryMinutes: Number(args['checkpoint-minutes']),
    keepCheckpoints: 3,
    ...(args['max-minutes'] ? { maxSeconds: Number(args['max-minutes']) * 60 } : {}),
    ...(args['stop-at-step'] ? { stopAtStep: Number(args['stop-at-step']) } : {}),
    start,
    batchAt: step => batchAt(sampler, step, B, T),
    trainStep: async batch => {
      const out = await trainSession.run({ ...parameterFeeds(), [feedNames.tokens]: batch.tokens, [feedNames.targets]: batch.targets });
      const gradients = Object.fromEntries(names.map(name => [name, out[outputNames.gradient(name)]!.data as Float32Array]));
      const learningRate = optimizer.learningRate;
      optimizer.update(gradients);
      const slots = out[outputNames.memorySlots];
      return {
        loss: (out[outputNames.loss]!.data as Float32Array)[0]!,
        learningRate,
        ...(slots ? { slotsRead: slots.data as BigInt64Array } : {}),
      };
    },
    evaluate,
    save: (dir, position, heldoutLoss) => {
      saveCheckpoint(dir, {
        kind: 'training',
        config,
        tokenizer: TOKENIZER_ID,
        parameters,
        training: {
          steps: position.step,
          tokens: position.tokens,
          seed: settings.seed,
          heldoutLoss,
          heldoutTokenAccuracy: null,
          elapsedSeconds: position.elapsedSeconds,
        },
        optimizerState: optimizer.tensors(),
        optimizer: { step: optimizer.step },
      });
    },
  });
  process.stderr.write(`\nstopped at step ${end.step} (${end.tokens} tokens)\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`train: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
