// The row writer: a note's value rows in the model's product-key memory, chosen and recorded.
//
//   augment (16 sequences) -> tokens in the chat/file layouts -> pack into rows
//   -> one address pass (everything below the memory, so residual, slots and read weights)
//   -> pick t slots by tf-idf against the background statistics
//   -> the chosen rows as they are (prev) and as the write leaves them (next = prev)
//
// The note is learned in the keyed note memory (keyed/slotWriter.ts), not in the rows: no row moves.
// The rows a write chooses are the store's bookkeeping (ownership, the inspector, forget/supersede,
// export/import); stores written by earlier versions, whose writes trained rows, still restore them
// exactly. rememberNote() does the whole write inside one store transaction and sets the rows in the
// model only after the store has recorded them.

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
import { EncodedSequence, LossPositions, lossPositionsOf, PackedBatch, packSequences, rowLengthFor } from '../intake/trainingBatch';
import { buildPackedAddressGraph } from './writerGraphs';

export interface WriterSettings {
  /** t: value rows one write may change. */
  readonly slots: number;
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
}

export type CountScope = 'all' | 'loss';

/** What ships (the service passes no other; service/researchSettings.ts for measurements). */
export const defaultWriterSettings: WriterSettings = {
  slots: 256,
  minSequences: 16,
  maxSequences: 16,
  ownedSlotWeight: 1,
  countMode: 'weight',
  scoring: 'tfidf',
  countScope: 'all',
};

export interface NoteWriteInput {
  readonly text: string;
  readonly kind?: NoteKind;
}

export type WritePhase = 'prepare' | 'address';

export interface WriteProgress {
  readonly phase: WritePhase;
}

export interface TrainOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: WriteProgress) => void;
  readonly settings?: Partial<WriterSettings>;
  /** Slot -> how many live notes own it (see ownedSlotWeight). */
  readonly owned?: ReadonlyMap<number, number>;
}

/** What a write recorded, in the store's layout. */
export interface NoteWrite {
  /** Changed slot ids, ascending. */
  readonly slots: number[];
  /** Rows before and after, slots.length * C floats each, in `slots` order (equal: no row moves). */
  readonly prev: Float32Array;
  readonly next: Float32Array;
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
    return sequences.map(sequence => {
      const ids = encodeTrainingSequence(this.tokenizer, sequence);
      return { ids, lossFrom: lossFromOf(this.tokenizer, sequence, ids) };
    });
  }

  /** The memory reads of the note's packed training sequences, and which positions hold a token
   *  (the rest is padding); what slot selection counts. */
  async addressOf(note: NoteWriteInput, settings: WriterSettings = this.settings): Promise<{ reads: MemoryReads; used: Uint8Array }> {
    const batch = this.pack(this.encode(note, settings));
    return { reads: await this.address(batch), used: batch.used };
  }

  private pack(sequences: readonly EncodedSequence[]): PackedBatch {
    const T = rowLengthFor(sequences, { minimum: ROW_QUANTUM, multiple: ROW_QUANTUM, maximum: this.model.config.contextLength });
    return packSequences(sequences, { length: T, rowMultiple: ROW_MULTIPLE, padId: padIdFor(this.model.config.vocabSize) });
  }

  /** Chooses the note's t value rows and reads them (next = prev); the live table is left as it was. */
  async train(note: NoteWriteInput, options: TrainOptions = {}): Promise<NoteWrite> {
    const started = performance.now();
    const settings = { ...this.settings, ...options.settings };
    checkSettings(settings);
    const { signal, onProgress } = options;
    onProgress?.({ phase: 'prepare' });
    const table = valueTableOf(this.model);

    const sequences = this.encode(note, settings);
    const batch = this.pack(sequences);
    const lossAt = lossPositionsOf(batch, LOSS_POSITION_QUANTUM);
    signal?.throwIfAborted();

    onProgress?.({ phase: 'address' });
    const reads = await this.address(batch);
    signal?.throwIfAborted();
    const selection = selectSlots(
      reads,
      table.slotCount,
      this.background,
      {
        slots: settings.slots,
        countMode: settings.countMode,
        scoring: settings.scoring,
        owned: options.owned,
        ownedWeight: settings.ownedSlotWeight,
      },
      settings.countScope === 'loss' ? lossMaskOf(lossAt, batch.used.length) : batch.used,
    );
    const slots = [...selection.slots].sort((a, b) => a - b);
    const prev = readRows(table, slots);
    let lossTokens = 0;
    for (const w of lossAt.weights) if (w > 0) lossTokens++;
    let tokens = 0;
    for (const u of batch.used) tokens += u;
    return {
      slots,
      prev,
      next: prev.slice(),
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

  private async address(batch: PackedBatch): Promise<MemoryReads> {
    const { rows: B, length: T } = batch;
    const session = await this.session(`address:${B}x${T}`, () => buildPackedAddressGraph(this.model.config, B, T));
    const out = await session.run({ ...this.parameterFeeds, [feedNames.tokens]: batch.tokens, [feedNames.mask]: batch.mask });
    const slots = out[outputNames.memorySlots]!;
    const [, , heads, topK] = slots.shape as [number, number, number, number];
    return {
      positions: B * T,
      heads,
      topK,
      slots: int32Of(slots.data as BigInt64Array),
      weights: out[outputNames.memoryWeights]!.data as Float32Array,
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
      oldest.then(
        s => s.release(),
        () => undefined,
      );
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

/** 1 at every position whose target the loss counts. */
export function lossMaskOf(lossAt: LossPositions, positions: number): Uint8Array {
  const mask = new Uint8Array(positions);
  for (let i = 0; i < lossAt.count; i++) if (lossAt.weights[i]! > 0) mask[Number(lossAt.positions[i])] = 1;
  return mask;
}

/** <|pad|> when the vocabulary has it; token 0 otherwise (test models with a tiny vocabulary). */
function padIdFor(vocabSize: number): number {
  return SpecialToken.pad < vocabSize ? SpecialToken.pad : 0;
}

function checkSettings(settings: WriterSettings): void {
  const positiveInteger = (name: keyof WriterSettings) => {
    const value = settings[name];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
      throw new RangeError(`writer setting ${name} must be a non-negative integer, got ${String(value)}`);
  };
  positiveInteger('slots');
  if (!(settings.ownedSlotWeight >= 0 && settings.ownedSlotWeight <= 1))
    throw new RangeError(`writer setting ownedSlotWeight must be in [0, 1], got ${settings.ownedSlotWeight}`);
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
 * between) it brings in rows other processes wrote, chooses the note's rows, records the write in
 * the store's journal, and only then sets the rows in the live model (a no-op now that no row moves;
 * it keeps the order right for what the store replays). A cancelled or failed write leaves model and
 * store as they were. Refuses a note with secrets before anything else.
 */
export async function rememberNote(
  store: MemoryStore,
  writer: MemoryWriter,
  request: RememberRequest,
  options: Omit<TrainOptions, 'owned'> = {},
): Promise<RememberResult> {
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
