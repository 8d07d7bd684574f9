// The `full_finetune` baseline: the same write as mnemo's (the writer's own training sequences,
// packed the same way, the same step limit and the same early stop on the note's loss), but the
// update reaches every parameter instead of t value rows. Plain SGD at the rows' step size would
// wreck dense weights, so the steps are AdamW's (fresh moments per note, no weight decay), the usual
// way to finetune a small model; the learning rate is a setting.
//
// The graph: the whole model on a packed batch (block-diagonal mask fed per run), the weighted
// loss of the note's answer/fact tokens, and every parameter's gradient.
//
// Dimension letters: B rows, T row length, C model width, V vocabulary.

import { AdamW, exportOnnx, Feed, GraphBuilder, grad, OnnxModel, ortRuntime, Session, Tensor } from '../engine';
import { headSize, ModelConfig } from '../model/config';
import type { LanguageModel } from '../model/languageModel';
import { feedNames, outputNames } from '../model/modelGraphs';
import { parameterSpecs } from '../model/parameters';
import { SpecialToken } from '../model/specialTokens';
import { crossEntropy, declareParameters, embed, logitsOf, rotaryTables, runBlocks } from '../model/transformer';
import type { NoteKind } from '../memory/note';
import type { MemoryWriter } from '../memory/rows/rowWriter';
import { PackedBatch, packSequences, rowLengthFor } from '../memory/intake/trainingBatch';

export interface FullFinetuneSettings {
  /** AdamW learning rate for every parameter. */
  readonly learningRate: number;
  /** Most steps per note, and the loss (nats per answer/fact token) that stops a note's steps
   *  early: the row writer's training budget when it still trained rows. */
  readonly maxSteps: number;
  readonly lossThreshold: number;
}

export const defaultFullFinetuneSettings: FullFinetuneSettings = { learningRate: 1e-4, maxSteps: 12, lossThreshold: 0.5 };

export interface FullFinetuneWrite {
  readonly steps: number;
  readonly losses: readonly number[];
}

/** Same packing as the memory writer: rows a multiple of 128 tokens, row count a multiple of 4. */
const ROW_QUANTUM = 128;
const ROW_MULTIPLE = 4;

/** The whole model on a packed batch: weighted loss and the gradient of every parameter. */
export function buildPackedTrainingGraph(config: ModelConfig, B: number, T: number): OnnxModel {
  const g = new GraphBuilder();
  const w = declareParameters(g, config);
  const half = headSize(config) / 2;
  const { cos, sin } = rotaryTables(config, 0, T);
  const positions = {
    cos: g.constant(cos, [T, 1, half], 'rope.cos'),
    sin: g.constant(sin, [T, 1, half], 'rope.sin'),
    mask: g.input(feedNames.mask, 'float32', [B, 1, T, T]),
  };
  const tokens = g.input(feedNames.tokens, 'int64', [B, T]);
  const targets = g.input(feedNames.targets, 'int64', [B, T]);
  const lossWeights = g.input(feedNames.lossWeights, 'float32', [B, T]);
  const stack = runBlocks(g, config, w, embed(g, w, tokens), positions, { from: 0, to: config.nLayers }, null);
  const logits = logitsOf(g, config, w, g.reshape(stack.x, [B * T, config.dModel])); // (B*T, V)
  const { loss } = crossEntropy(g, logits, g.reshape(targets, [B * T]), g.reshape(lossWeights, [B * T]));
  const names = parameterSpecs(config).map(spec => spec.name);
  const gradients = grad(
    loss,
    names.map(name => w.get(name)!),
  );
  const outputs: Record<string, Tensor> = { [outputNames.loss]: loss };
  names.forEach((name, i) => (outputs[outputNames.gradient(name)] = gradients[i]!));
  return exportOnnx(outputs, { graphName: 'mnemo_full_finetune' });
}

export class FullFinetuneWriter {
  private readonly sessions = new Map<string, Promise<Session>>();
  private readonly parameters: Record<string, Float32Array>;

  /** `writer` supplies the training sequences; `model` is trained in place. */
  constructor(
    readonly model: LanguageModel,
    private readonly writer: MemoryWriter,
    readonly settings: FullFinetuneSettings = defaultFullFinetuneSettings,
  ) {
    this.parameters = Object.fromEntries([...model.parameters].map(([name, tensor]) => [name, tensor.data]));
  }

  async write(note: { readonly text: string; readonly kind: NoteKind }, signal?: AbortSignal): Promise<FullFinetuneWrite> {
    const { maxSteps, lossThreshold } = this.settings;
    const sequences = this.writer.encode(note);
    const T = rowLengthFor(sequences, { minimum: ROW_QUANTUM, multiple: ROW_QUANTUM, maximum: this.model.config.contextLength });
    const padId = SpecialToken.pad < this.model.config.vocabSize ? SpecialToken.pad : 0;
    const batch = packSequences(sequences, { length: T, rowMultiple: ROW_MULTIPLE, padId });
    const optimizer = new AdamW(this.parameters, [], { lr: this.settings.learningRate, weightDecay: 0 });
    const losses: number[] = [];
    let steps = 0;
    for (;;) {
      signal?.throwIfAborted();
      const { loss, gradients } = await this.run(batch);
      losses.push(loss);
      if (loss < lossThreshold || steps >= maxSteps) break;
      optimizer.update(gradients);
      steps++;
    }
    return { steps, losses };
  }

  async dispose(): Promise<void> {
    const sessions = await Promise.allSettled([...this.sessions.values()]);
    this.sessions.clear();
    for (const s of sessions) if (s.status === 'fulfilled') await s.value.release();
  }

  private async run(batch: PackedBatch): Promise<{ loss: number; gradients: Record<string, Float32Array> }> {
    const key = `${batch.rows}x${batch.length}`;
    let session = this.sessions.get(key);
    if (!session) {
      session = ortRuntime.load(buildPackedTrainingGraph(this.model.config, batch.rows, batch.length));
      this.sessions.set(key, session);
    }
    const feeds: Record<string, Feed> = {
      ...this.parameters,
      [feedNames.tokens]: batch.tokens,
      [feedNames.targets]: batch.targets,
      [feedNames.lossWeights]: batch.lossWeights,
      [feedNames.mask]: batch.mask,
    };
    const out = await (await session).run(feeds);
    const gradients: Record<string, Float32Array> = {};
    for (const name of Object.keys(this.parameters)) gradients[name] = out[outputNames.gradient(name)]!.data as Float32Array;
    return { loss: (out[outputNames.loss]!.data as Float32Array)[0]!, gradients };
  }
}
