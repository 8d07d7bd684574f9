// The memory writer (DESIGN.md §5): a note becomes a test-time update of a few value rows.
//
//   augment (16-64 sequences) -> tokens in the chat/file layouts -> pack into rows
//   -> one address pass (everything below the memory is frozen, so residual, slots and read
//      weights are computed once per write)
//   -> pick t slots by tf-idf against the background statistics
//   -> plain SGD on those rows only: each step runs the blocks above the memory, maps
//      d(loss)/d(memory output) to the rows by the chain rule, moves the rows, and updates the
//      cached memory output in place (it is linear in the rows), until the loss is below a
//      threshold or the step limit.
//
// train() never touches the live value table: it works on a copy of the chosen rows and returns
// prev/next for the store's journal. rememberNote() does the whole write inside one store
// transaction and sets the rows in the model only after the store has recorded them.

import { performance } from 'node:perf_hooks';
import { Feed, Runtime, Session, SessionOptions, ortRuntime } from '../../engine';
import { formatCompletionPrompt } from '../../model/chatFormat';
import { int32Of, type LanguageModel, type MemoryReads } from '../../model/languageModel';
import { feedNames, outputNames } from '../../model/modelGraphs';
import { SpecialToken } from '../../model/specialTokens';
import type { Tokenizer } from '../../model/tokenizer';
import { augmentNote } from '../intake/augment';
import type { BackgroundSlotStats } from './backgroundStats';
import type { MemoryStore } from '../store/memoryStore';
import type { NoteKind, NoteRecord } from '../note';
import { assertNoSecrets } from '../intake/secrets';
import { SlotCountMode, SlotScoring, selectSlots } from './rowSelection';
import { encodeTrainingSequence, lossStart, TrainingSequence } from '../intake/trainingSequence';
import { applyRowUpdates, readRows, valueTableOf, writeRows } from './valueTable';
import { CandidateVocabulary, candidateVocabulary, EncodedSequence, LossPositions, lossPositionsOf, PackedBatch, packSequences, rowLengthFor } from '../intake/trainingBatch';
import { buildPackedAddressGraph, buildPackedUpperGraph, predictedOutput, UpperVocabulary, writerFeedNames, writerOutputNames } from './writerGraphs';

export interface WriterSettings {
  /** t: value rows one write may change. */
  readonly slots: number;
  /** SGD step size on the rows (no momentum, no decay). */
  readonly learningRate: number;
  /** Most SGD steps per write. */
  readonly maxSteps: number;
  /** Stop once the note's mean loss per answer/fact token (nats) is below this. */
  readonly lossThreshold: number;
  /** Training sequences per note (augment.ts's bounds). */
  readonly minSequences: number;
  readonly maxSequences: number;
  /** Score factor per live note already owning a slot (1 = ignore ownership). */
  readonly ownedSlotWeight: number;
  /** How reads count towards a slot's term frequency. */
  readonly countMode: SlotCountMode;
  /** How a slot's note frequency is weighed against its background frequency. */
  readonly scoring: SlotScoring;
  /** Which positions' reads count towards a slot's note frequency: every position of the batch,
   *  or only those whose next token the loss counts (the answer and fact tokens). */
  readonly countScope: CountScope;
  /**
   * 'none': plain SGD on the batch-mean loss. 'reads': each row's gradient is divided by its share
   * of the batch's read weight (the row's reads per loss token), so every chosen row moves by lr
   * times the mean output gradient of the reads that use it, however often it is read (the
   * rescaling of fast-weight PKM). A fixed per-row step size, still no momentum or state.
   */
  readonly rowScaling: RowScaling;
  /**
   * Sampled softmax: 0 runs every step over the whole vocabulary. n > 0 runs a full pass first
   * (and every candidateRefresh steps), takes each loss position's n likeliest tokens plus every
   * target as the candidates, and runs the other steps over those only (writerGraphs.ts), which
   * costs a small part of the vocabulary projection, the largest cost of a step.
   */
  readonly candidateTokens: number;
  /** Steps between full-vocabulary passes that refresh the candidates (0: only the first). */
  readonly candidateRefresh: number;
  /** Whether a write with maxSteps 0 still runs the pass that measures the note's loss (tests and
   *  probes read it); the service turns it off when the keyed note memory learns the note (~220 ms). */
  readonly measureLoss: boolean;
}

export type RowScaling = 'none' | 'reads';
export type CountScope = 'all' | 'loss';

/** What ships: the note is learned in the keyed note memory (keyed/slotWriter.ts), so a write
 *  selects and records its rows (the store's bookkeeping) but trains none (maxSteps 0) and measures
 *  no loss. The training knobs are for measurements (service/researchSettings.ts). */
export const defaultWriterSettings: WriterSettings = {
  slots: 256,
  learningRate: 1,
  maxSteps: 0,
  lossThreshold: 0.5,
  minSequences: 16,
  maxSequences: 16,
  ownedSlotWeight: 1,
  countMode: 'weight',
  scoring: 'tfidf',
  countScope: 'all',
  rowScaling: 'reads',
  candidateTokens: 16,
  candidateRefresh: 0,
  measureLoss: false,
};

export interface NoteWriteInput {
  readonly text: string;
  readonly kind?: NoteKind;
}

export type WritePhase = 'prepare' | 'address' | 'train';

export interface WriteProgress {
  readonly phase: WritePhase;
  /** SGD steps done so far. */
  readonly step: number;
  readonly maxSteps: number;
  /** The note's loss before the next step (null before the first training pass). */
  readonly loss: number | null;
}

export interface TrainOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: WriteProgress) => void;
  readonly settings?: Partial<WriterSettings>;
  /** Slot -> how many live notes own it (see ownedSlotWeight). */
  readonly owned?: ReadonlyMap<number, number>;
}

export type WriteStop = 'threshold' | 'max_steps';

/** What a write changed, in the store's layout, plus how the training went. */
export interface NoteWrite {
  /** Changed slot ids, ascending. */
  readonly slots: number[];
  /** Rows before and after, slots.length * C floats each, in `slots` order. */
  readonly prev: Float32Array;
  readonly next: Float32Array;
  /** SGD steps applied. */
  readonly steps: number;
  /** The note's loss before each step (after the last one only when the threshold stopped it).
   *  Sampled-softmax steps measure it over the candidates, which reads lower than over the whole
   *  vocabulary. */
  readonly losses: readonly number[];
  /** Argmax accuracy on the loss tokens at the last measured pass. */
  readonly tokenAccuracy: number;
  readonly stop: WriteStop;
  readonly sequences: number;
  /** Tokens in the batch (without padding) and loss tokens among them. */
  readonly tokens: number;
  readonly lossTokens: number;
  /** Distinct slots the batch read; the write changed `slots.length` of them. */
  readonly slotsRead: number;
  readonly milliseconds: number;
}

export interface MemoryWriterOptions {
  readonly runtime?: Runtime;
  readonly session?: SessionOptions;
  readonly settings?: Partial<WriterSettings>;
}

/** Sessions kept (see session()). */
const MAX_SESSIONS = 6;
/** Rows are at least this long and a multiple of it, so a few graph shapes serve every note. */
const ROW_QUANTUM = 128;
/** The row count is rounded up to a multiple of this, for the same reason. */
const ROW_MULTIPLE = 4;
/** And the number of loss positions to a multiple of this. */
const LOSS_POSITION_QUANTUM = 128;
/** And the candidate vocabulary to a multiple of this. */
const CANDIDATE_QUANTUM = 512;

export class MemoryWriter {
  readonly settings: WriterSettings;
  private readonly runtime: Runtime;
  private readonly sessions = new Map<string, Promise<Session>>();
  private readonly parameterFeeds: Record<string, Feed>;

  constructor(
    readonly model: LanguageModel,
    private readonly tokenizer: Tokenizer,
    private readonly background: BackgroundSlotStats,
    private readonly options: MemoryWriterOptions = {},
  ) {
    valueTableOf(model); // throws for a model without memory
    this.settings = { ...defaultWriterSettings, ...options.settings };
    this.runtime = options.runtime ?? ortRuntime;
    this.parameterFeeds = Object.fromEntries([...model.parameters].map(([name, tensor]) => [name, tensor.data]));
  }

  /** The note's training sequences as token ids with their loss start (see lossFromOf). */
  encode(note: NoteWriteInput, settings: WriterSettings = this.settings): EncodedSequence[] {
    const sequences = augmentNote(note, { minSequences: settings.minSequences, maxSequences: settings.maxSequences });
    return sequences.map((sequence) => {
      const ids = encodeTrainingSequence(this.tokenizer, sequence);
      return { ids, lossFrom: lossFromOf(this.tokenizer, sequence, ids) };
    });
  }

  /** The memory reads of the note's packed training sequences, and which positions hold a token
   *  (the rest is padding); what slot selection counts. */
  async addressOf(note: NoteWriteInput, settings: WriterSettings = this.settings): Promise<{ reads: MemoryReads; used: Uint8Array }> {
    const batch = this.pack(this.encode(note, settings));
    return { reads: (await this.address(batch)).reads, used: batch.used };
  }

  private pack(sequences: readonly EncodedSequence[]): PackedBatch {
    const T = rowLengthFor(sequences, { minimum: ROW_QUANTUM, multiple: ROW_QUANTUM, maximum: this.model.config.contextLength });
    return packSequences(sequences, { length: T, rowMultiple: ROW_MULTIPLE, padId: padIdFor(this.model.config.vocabSize) });
  }

  /** Trains the note into a copy of t value rows; the live table is left as it was. */
  async train(note: NoteWriteInput, options: TrainOptions = {}): Promise<NoteWrite> {
    const started = performance.now();
    const settings = { ...this.settings, ...options.settings };
    checkSettings(settings);
    const { signal, onProgress } = options;
    const report = (phase: WritePhase, step: number, loss: number | null) => onProgress?.({ phase, step, maxSteps: settings.maxSteps, loss });
    report('prepare', 0, null);
    const table = valueTableOf(this.model);
    const C = table.rowWidth;

    const sequences = this.encode(note, settings);
    const batch = this.pack(sequences);
    const lossAt = lossPositionsOf(batch, LOSS_POSITION_QUANTUM);
    signal?.throwIfAborted();

    report('address', 0, null);
    const lower = await this.address(batch);
    signal?.throwIfAborted();
    const selection = selectSlots(lower.reads, table.slotCount, this.background, {
      slots: settings.slots,
      countMode: settings.countMode,
      scoring: settings.scoring,
      owned: options.owned,
      ownedWeight: settings.ownedSlotWeight,
    }, settings.countScope === 'loss' ? lossMaskOf(lossAt, batch.used.length) : batch.used);
    const slots = [...selection.slots].sort((a, b) => a - b);
    const prev = readRows(table, slots);
    const rows = prev.slice();
    const selectedReads = readsOfSlots(lower.reads, new Map(slots.map((slot, i) => [slot, i])), batch.used);
    const rowScale = settings.rowScaling === 'reads' ? readShareScale(selectedReads, slots.length, lossMassOf(lossAt)) : null;

    const output = lower.output; // (B*T, C), kept equal to the memory's output for `rows`
    const losses: number[] = [];
    let steps = 0;
    let stop: WriteStop = 'max_steps';
    let tokenAccuracy = 0;
    const sampled = settings.candidateTokens > 0;
    let vocabulary: CandidateVocabulary | null = null;
    while (settings.maxSteps > 0 || settings.measureLoss) {
      signal?.throwIfAborted();
      const fullPass = !sampled || vocabulary === null || (settings.candidateRefresh > 0 && steps % settings.candidateRefresh === 0);
      let upper: UpperResult;
      if (fullPass) {
        upper = await this.upper(batch, lossAt, lower.residual, output, { kind: 'full', predictions: settings.candidateTokens }, lossAt.targets, null);
        if (sampled) vocabulary = candidateVocabulary(lossAt, upper.predicted, vocabulary?.tokens ?? [], CANDIDATE_QUANTUM);
      } else {
        upper = await this.upper(batch, lossAt, lower.residual, output, { kind: 'candidates', count: vocabulary!.count }, vocabulary!.targets, vocabulary);
      }
      losses.push(upper.loss);
      tokenAccuracy = accuracyOn(upper.correct, lossAt.weights);
      report('train', steps, upper.loss);
      if (upper.loss < settings.lossThreshold) {
        stop = 'threshold';
        break;
      }
      if (settings.maxSteps === 0 || slots.length === 0) break;
      sgdStep(selectedReads, upper.outputGradient, rows, output, C, settings.learningRate, rowScale);
      steps++;
      if (steps >= settings.maxSteps) break; // no pass only to measure the loss after the last step
    }
    signal?.throwIfAborted();
    let lossTokens = 0;
    for (const w of lossAt.weights) if (w > 0) lossTokens++;
    let tokens = 0;
    for (const u of batch.used) tokens += u;
    return {
      slots,
      prev,
      next: rows,
      steps,
      losses,
      tokenAccuracy,
      stop,
      sequences: sequences.length,
      tokens,
      lossTokens,
      slotsRead: selection.slotsRead,
      milliseconds: performance.now() - started,
    };
  }

  /** Releases the writer's sessions. */
  async dispose(): Promise<void> {
    const sessions = await Promise.allSettled([...this.sessions.values()]);
    this.sessions.clear();
    for (const s of sessions) if (s.status === 'fulfilled') await s.value.release();
  }

  private async address(batch: PackedBatch): Promise<{ residual: Float32Array; output: Float32Array; reads: MemoryReads }> {
    const { rows: B, length: T } = batch;
    const session = await this.session(`address:${B}x${T}`, () => buildPackedAddressGraph(this.model.config, B, T));
    const out = await session.run({ ...this.parameterFeeds, [feedNames.tokens]: batch.tokens, [feedNames.mask]: batch.mask });
    const slots = out[outputNames.memorySlots]!;
    const [, , heads, topK] = slots.shape as [number, number, number, number];
    return {
      residual: out[outputNames.memoryResidual]!.data as Float32Array,
      output: out[outputNames.memoryOutput]!.data as Float32Array,
      reads: {
        positions: B * T,
        heads,
        topK,
        slots: int32Of(slots.data as BigInt64Array),
        weights: out[outputNames.memoryWeights]!.data as Float32Array,
      },
    };
  }

  private async upper(
    batch: PackedBatch,
    lossAt: LossPositions,
    residual: Float32Array,
    output: Float32Array,
    vocabulary: UpperVocabulary,
    targets: BigInt64Array,
    candidates: CandidateVocabulary | null,
  ): Promise<UpperResult> {
    const { rows: B, length: T } = batch;
    const M = lossAt.count;
    const key = vocabulary.kind === 'full' ? `upper:${B}x${T}:${M}:full${vocabulary.predictions}` : `upper:${B}x${T}:${M}:k${vocabulary.count}`;
    const session = await this.session(key, () => buildPackedUpperGraph(this.model.config, B, T, M, vocabulary));
    const out = await session.run({
      ...this.parameterFeeds,
      [feedNames.memoryResidual]: residual,
      [feedNames.memoryOutput]: output,
      [writerFeedNames.lossPositions]: lossAt.positions,
      [feedNames.targets]: targets,
      [feedNames.lossWeights]: lossAt.weights,
      [feedNames.mask]: batch.mask,
      ...(candidates ? { [writerFeedNames.candidateIds]: candidates.ids, [writerFeedNames.candidateBias]: candidates.bias } : {}),
    });
    return {
      loss: (out[outputNames.loss]!.data as Float32Array)[0]!,
      outputGradient: out[outputNames.gradient(outputNames.memoryOutput)]!.data as Float32Array,
      correct: out[writerOutputNames.correct]!.data as Float32Array,
      predicted: (out[predictedOutput]?.data as BigInt64Array | undefined) ?? null,
    };
  }

  /** A session per batch shape, least recently used first in `sessions`; beyond MAX_SESSIONS the
   *  oldest is released (each holds its own memory arena: unbounded, 12 writes of different shapes
   *  took the worker from 0.7 to 2.9 GB). One write uses at most three shapes, all recent. */
  private session(key: string, build: () => Parameters<Runtime['load']>[0]): Promise<Session> {
    let session = this.sessions.get(key);
    if (session) {
      this.sessions.delete(key);
      this.sessions.set(key, session);
      return session;
    }
    session = this.runtime.load(build(), this.options.session);
    session.catch(() => this.sessions.delete(key));
    this.sessions.set(key, session);
    while (this.sessions.size > MAX_SESSIONS) {
      const [oldestKey, oldest] = this.sessions.entries().next().value as [string, Promise<Session>];
      this.sessions.delete(oldestKey);
      oldest.then((s) => s.release(), () => undefined);
    }
    return session;
  }

  /** Shapes with a live session, least recently used first (for tests). */
  sessionKeys(): string[] {
    return [...this.sessions.keys()];
  }
}

/**
 * First token the loss counts. Exchanges: the answer (the question is the cue). Files: the
 * contents after the path line, since every note's path is one of a few fixed names and teaching
 * the chosen rows to predict it would only spend them on boilerplate.
 */
export function lossFromOf(tokenizer: Tokenizer, sequence: TrainingSequence, ids: readonly number[]): number {
  const start = lossStart(tokenizer, sequence, ids);
  if (sequence.layout !== 'file') return start;
  const header = formatCompletionPrompt(tokenizer, sequence.path, '');
  const isPrefix = header.length < ids.length && header.every((id, i) => ids[i] === id);
  return isPrefix ? header.length : start;
}

interface UpperResult {
  readonly loss: number;
  readonly outputGradient: Float32Array;
  /** Argmax hits per loss position (M). */
  readonly correct: Float32Array;
  /** Full passes with predictions: each loss position's likeliest tokens (M x k). */
  readonly predicted: BigInt64Array | null;
}

/** The reads of the chosen slots, flattened: position, row index in the chosen set, weight. */
export interface SelectedReads {
  readonly positions: Int32Array;
  readonly rows: Int32Array;
  readonly weights: Float32Array;
}

/** `used` (1 per position) leaves out padding, whose reads reach no loss. */
export function readsOfSlots(reads: MemoryReads, rowOfSlot: ReadonlyMap<number, number>, used?: Uint8Array): SelectedReads {
  const positions: number[] = [];
  const rows: number[] = [];
  const weights: number[] = [];
  const perPosition = reads.heads * reads.topK;
  for (let i = 0; i < reads.slots.length; i++) {
    const row = rowOfSlot.get(reads.slots[i]!);
    if (row === undefined) continue;
    const position = Math.floor(i / perPosition);
    if (used && used[position] === 0) continue;
    positions.push(position);
    rows.push(row);
    weights.push(reads.weights[i]!);
  }
  return { positions: Int32Array.from(positions), rows: Int32Array.from(rows), weights: Float32Array.from(weights) };
}

/** 1 at every position whose target the loss counts. */
export function lossMaskOf(lossAt: LossPositions, positions: number): Uint8Array {
  const mask = new Uint8Array(positions);
  for (let i = 0; i < lossAt.count; i++) if (lossAt.weights[i]! > 0) mask[Number(lossAt.positions[i])] = 1;
  return mask;
}

function lossMassOf(lossAt: LossPositions): number {
  let mass = 0;
  for (const w of lossAt.weights) mass += w;
  return mass;
}

/** Per-row step factor for rowScaling 'reads': loss mass / the row's summed read weight. */
export function readShareScale(reads: SelectedReads, rowCount: number, lossMass: number): Float32Array {
  const readMass = new Float64Array(rowCount);
  for (let i = 0; i < reads.rows.length; i++) readMass[reads.rows[i]!]! += reads.weights[i]!;
  return Float32Array.from(readMass, (mass) => (mass > 0 ? lossMass / mass : 0));
}

/**
 * One SGD step on the chosen rows, and the same change carried into the cached memory output:
 * each read of row r at position p with weight w adds w * dOutput[p] to r's gradient, and after
 * the step adds w * (row change) to output[p] (the memory's output is linear in the rows).
 * `rowScale` (optional) multiplies each row's step.
 */
export function sgdStep(
  reads: SelectedReads,
  outputGradient: Float32Array,
  rows: Float32Array,
  output: Float32Array,
  C: number,
  learningRate: number,
  rowScale: Float32Array | null = null,
): void {
  const gradient = new Float64Array(rows.length);
  for (let i = 0; i < reads.positions.length; i++) {
    const [p, r, w] = [reads.positions[i]! * C, reads.rows[i]! * C, reads.weights[i]!];
    for (let c = 0; c < C; c++) gradient[r + c]! += w * outputGradient[p + c]!;
  }
  const change = new Float32Array(rows.length);
  for (let j = 0; j < rows.length; j++) {
    const before = rows[j]!;
    const step = rowScale ? learningRate * rowScale[Math.floor(j / C)]! : learningRate;
    rows[j] = before - step * gradient[j]!;
    change[j] = rows[j]! - before;
  }
  for (let i = 0; i < reads.positions.length; i++) {
    const [p, r, w] = [reads.positions[i]! * C, reads.rows[i]! * C, reads.weights[i]!];
    for (let c = 0; c < C; c++) output[p + c]! += w * change[r + c]!;
  }
}

/** <|pad|> when the vocabulary has it; token 0 otherwise (test models with a tiny vocabulary). */
function padIdFor(vocabSize: number): number {
  return SpecialToken.pad < vocabSize ? SpecialToken.pad : 0;
}

function accuracyOn(correct: Float32Array, lossWeights: Float32Array): number {
  let hits = 0;
  let total = 0;
  for (let i = 0; i < correct.length; i++) {
    if (lossWeights[i]! <= 0) continue;
    total++;
    hits += correct[i]!;
  }
  return total === 0 ? 0 : hits / total;
}

function checkSettings(settings: WriterSettings): void {
  const positiveInteger = (name: keyof WriterSettings) => {
    const value = settings[name];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new RangeError(`writer setting ${name} must be a non-negative integer, got ${String(value)}`);
  };
  positiveInteger('slots');
  positiveInteger('maxSteps');
  positiveInteger('candidateTokens');
  positiveInteger('candidateRefresh');
  if (!(settings.learningRate > 0) || !Number.isFinite(settings.learningRate)) throw new RangeError(`writer setting learningRate must be positive, got ${settings.learningRate}`);
  if (!(settings.ownedSlotWeight >= 0 && settings.ownedSlotWeight <= 1)) throw new RangeError(`writer setting ownedSlotWeight must be in [0, 1], got ${settings.ownedSlotWeight}`);
}

// ---- the whole write against a store ----

export interface RememberRequest {
  readonly id?: string;
  readonly text: string;
  readonly kind: NoteKind;
  readonly author: string;
  readonly created?: string;
}

export interface RememberResult {
  readonly note: NoteRecord;
  readonly seq: number;
  readonly write: NoteWrite;
}

/** Slot -> number of live notes owning it, from the store's owner index. */
export function ownerCounts(owners: ReadonlyMap<number, readonly unknown[]>): Map<number, number> {
  return new Map([...owners].map(([slot, list]) => [slot, list.length]));
}

/**
 * Remembers a note: inside one store transaction (so another window cannot change the rows in
 * between) it brings in rows other processes wrote, trains, records the write in the store's
 * journal, and only then sets the new rows in the live model. A cancelled or failed write leaves
 * model and store as they were. Refuses a note with secrets before any training.
 */
export async function rememberNote(store: MemoryStore, writer: MemoryWriter, request: RememberRequest, options: Omit<TrainOptions, 'owned'> = {}): Promise<RememberResult> {
  assertNoSecrets(request.text);
  const table = valueTableOf(writer.model);
  return store.transaction(async ({ updates }) => {
    applyRowUpdates(table, updates);
    const write = await writer.train({ text: request.text, kind: request.kind }, { ...options, owned: ownerCounts(store.slotOwners()) });
    const result = await store.write({ ...request, slots: write.slots, prev: write.prev, next: write.next });
    writeRows(table, write.slots, write.next);
    return { note: result.note, seq: result.seq, write };
  });
}
