// A loaded model ready to run: parameters in memory (fed to every run, so a memory write that edits
// value rows in place is seen by the next forward), lazily built and cached ONNX sessions, and the
// operations the layers above use: prefill/extend/decode with a KV cache and the memory slots each
// position read, batch evaluation, and the write path's two halves.

import { Feed, HostTensor, OnnxModel, Runtime, Session, SessionOptions, ortRuntime } from '../engine';
import { loadCheckpoint } from './checkpoint';
import { ModelConfig, headSize, validateConfig } from './config';
import { KvCache } from './kvCache';
import {
  buildEvaluationGraph,
  buildFinalStatesGraph,
  buildInferenceGraph,
  buildMemoryAddressGraph,
  buildMemoryStatesGraph,
  buildMemoryUpperGraph,
  buildStateLogitsGraph,
  buildStateUpperGraph,
  feedNames,
  outputNames,
} from './modelGraphs';
import { Parameters, checkParametersMatchConfig } from './parameters';
import { causalMask, rotaryTables } from './transformer';

/** The memory slots some positions read: for position t, head h and rank r (best first), the slot
 *  id slots[(t * heads + h) * topK + r] with softmax weight weights[same index]. */
export interface MemoryReads {
  readonly positions: number;
  readonly heads: number;
  readonly topK: number;
  readonly slots: Int32Array;
  readonly weights: Float32Array;
}

export interface StepOutput {
  /** Next-token logits after the last fed token: (V). */
  readonly logits: Float32Array;
  /** What the new positions read from memory (null for a dense model). */
  readonly reads: MemoryReads | null;
  /** The last block's output at the last position, before the final norm: (C). */
  readonly state: Float32Array;
}

export interface LanguageModelOptions {
  readonly runtime?: Runtime;
  /** Options of every session but the extend one (prefill, evaluation, write path). */
  readonly session?: SessionOptions;
  /** Options of the extend session (decode steps and short continuations). One thread by default:
   *  a one-token step is too small to split, and a second spinning thread only costs CPU
   *  (measured: 4 ms CPU per token on one thread, 8 ms on two, for the same ~2 ms wall). */
  readonly decodeSession?: SessionOptions;
}

export class LanguageModel {
  private readonly sessions = new Map<string, Promise<Session>>();
  private readonly runtime: Runtime;
  private readonly parameterFeeds: Record<string, Feed>;
  /** Rotary tables for every position of the context, computed once: extend feeds views of them
   *  (computing them per call cost ~2 ms of a 512-token prefill). */
  private rotary: { cos: Float32Array<ArrayBuffer>; sin: Float32Array<ArrayBuffer> } | null = null;
  /** The last causal mask made (prompts of one length repeat: each keystroke's re-read). */
  private mask: { count: number; data: Float32Array<ArrayBuffer> } | null = null;

  constructor(
    readonly config: ModelConfig,
    readonly parameters: Parameters,
    private readonly options: LanguageModelOptions = {},
  ) {
    validateConfig(config);
    checkParametersMatchConfig(parameters, config);
    this.runtime = options.runtime ?? ortRuntime;
    this.parameterFeeds = Object.fromEntries([...parameters].map(([name, tensor]) => [name, tensor.data]));
  }

  /** Loads a checkpoint directory (verifying its sha256s); see checkpoint.ts. */
  static load(dir: string, options: LanguageModelOptions & { expectTokenizer?: string } = {}): LanguageModel {
    const checkpoint = loadCheckpoint(dir, options.expectTokenizer);
    return new LanguageModel(checkpoint.manifest.config, checkpoint.parameters, options);
  }

  /** A fresh KV cache for one sequence. */
  newCache(): KvCache {
    return new KvCache(this.config);
  }

  /**
   * Feeds `tokens` after what `cache` holds (the prompt when it is empty; one token for a decode
   * step), appends their keys/values to the cache, and returns the logits after the last token and
   * what each new position read from memory.
   */
  async extend(cache: KvCache, tokens: readonly number[]): Promise<StepOutput> {
    const T = tokens.length;
    if (T === 0) throw new Error('extend: no tokens');
    const P = cache.length;
    if (P + T > cache.capacity) throw new Error(`extend: ${P} + ${T} positions exceed the context of ${cache.capacity}`);
    const { nHeads: nh, nLayers } = this.config;
    const hs = headSize(this.config);
    const feeds = this.sequenceFeeds(tokens, P);
    if (P > 0) {
      for (let layer = 0; layer < nLayers; layer++) {
        const past = cache.past(layer);
        feeds[feedNames.pastKey(layer)] = { dtype: 'float32', shape: [1, P, nh, hs], data: past.key };
        feeds[feedNames.pastValue(layer)] = { dtype: 'float32', shape: [1, P, nh, hs], data: past.value };
      }
    }
    const session =
      P > 0
        ? await this.session('extend', () => buildInferenceGraph(this.config, true), this.options.decodeSession ?? { intraOpNumThreads: 1 })
        : await this.session('prefill', () => buildInferenceGraph(this.config, false));
    const out = await session.run(feeds);
    const keys: Float32Array[] = [];
    const values: Float32Array[] = [];
    for (let layer = 0; layer < nLayers; layer++) {
      keys.push(out[outputNames.presentKey(layer)]!.data as Float32Array);
      values.push(out[outputNames.presentValue(layer)]!.data as Float32Array);
    }
    cache.append(T, keys, values);
    return {
      logits: out[outputNames.logits]!.data as Float32Array,
      reads: this.readsOf(out),
      state: out[outputNames.finalState]!.data as Float32Array,
    };
  }

  /** One sequence through every block: the last block's output at each position, before the final
   *  norm ((T*C), position-major). Independent of anything the keyed note memory holds. */
  async finalStates(tokens: readonly number[]): Promise<Float32Array> {
    const T = tokens.length;
    if (T === 0 || T > this.config.contextLength) throw new Error(`finalStates: ${T} tokens (1..${this.config.contextLength})`);
    const session = await this.session('final-states', () => buildFinalStatesGraph(this.config));
    const out = await session.run(this.sequenceFeeds(tokens, 0));
    return out[outputNames.finalStates]!.data as Float32Array;
  }

  /** Logits (M*V) of M final states (M*C) plus what the keyed note memory added to each (M*C). */
  async logitsOfStates(states: Float32Array, added: Float32Array): Promise<Float32Array> {
    const C = this.config.dModel;
    const M = states.length / C;
    if (!Number.isInteger(M) || added.length !== states.length)
      throw new Error(`logitsOfStates: ${states.length} and ${added.length} values for rows of ${C}`);
    const session = await this.session('state-logits', () => buildStateLogitsGraph(this.config), { intraOpNumThreads: 1 });
    const out = await session.run({
      ...this.parameterFeeds,
      [feedNames.finalStates]: { dtype: 'float32', shape: [M, C], data: states },
      [feedNames.noteSlotOutput]: { dtype: 'float32', shape: [M, C], data: added },
    });
    return out[outputNames.logits]!.data as Float32Array;
  }

  /** The keyed note memory's write objective over `rows` rows: weighted next-token loss of final
   *  states plus the memory's output, and d(loss)/d(that output); with `predictions` > 0 also each
   *  row's top predictions (rows*k ids); with `candidates`, the softmax runs over those ids only
   *  (targets are then indices into them; bias 0, or MASKED for padding). */
  async stateUpper(
    inputs: { states: Float32Array; added: Float32Array; targets: BigInt64Array; lossWeights: Float32Array },
    rows: number,
    vocabulary: { predictions: number } | { candidates: { ids: BigInt64Array; bias: Float32Array } } = { predictions: 0 },
  ): Promise<{ loss: number; outputGradient: Float32Array; predicted: BigInt64Array | null }> {
    const feeds: Record<string, Feed> = {
      ...this.parameterFeeds,
      [feedNames.finalStates]: inputs.states,
      [feedNames.noteSlotOutput]: inputs.added,
      [feedNames.targets]: inputs.targets,
      [feedNames.lossWeights]: inputs.lossWeights,
    };
    let session: Session;
    if ('candidates' in vocabulary) {
      const K = vocabulary.candidates.ids.length;
      session = await this.session(`state-upper:${rows}:k${K}`, () =>
        buildStateUpperGraph(this.config, rows, { kind: 'candidates', count: K }),
      );
      feeds[feedNames.candidateIds] = vocabulary.candidates.ids;
      feeds[feedNames.candidateBias] = vocabulary.candidates.bias;
    } else {
      const k = vocabulary.predictions;
      session = await this.session(`state-upper:${rows}:p${k}`, () =>
        buildStateUpperGraph(this.config, rows, { kind: 'full', predictions: k }),
      );
    }
    const out = await session.run(feeds);
    return {
      loss: (out[outputNames.loss]!.data as Float32Array)[0]!,
      outputGradient: out[outputNames.gradient(feedNames.noteSlotOutput)]!.data as Float32Array,
      predicted: (out[outputNames.predicted]?.data as BigInt64Array | undefined) ?? null,
    };
  }

  /** Mean next-token loss and per-target argmax correctness of a (B, T) batch. */
  async evaluate(
    tokens: BigInt64Array,
    targets: BigInt64Array,
    batch: number,
    length: number,
  ): Promise<{ loss: number; correct: Float32Array; reads: MemoryReads | null }> {
    const session = await this.session(`eval:${batch}x${length}`, () => buildEvaluationGraph(this.config, batch, length));
    const out = await session.run({ ...this.parameterFeeds, [feedNames.tokens]: tokens, [feedNames.targets]: targets });
    return {
      loss: (out[outputNames.loss]!.data as Float32Array)[0]!,
      correct: out[outputNames.correct]!.data as Float32Array,
      reads: this.readsOf(out),
    };
  }

  /** The write path's lower half for a (B, T) batch: the memory block's residual, the slots and
   *  weights its lookup chose, and the memory layer's output. Run once per write. */
  async memoryAddress(
    tokens: BigInt64Array,
    batch: number,
    length: number,
  ): Promise<{ residual: Float32Array; output: Float32Array; reads: MemoryReads }> {
    const session = await this.session(`address:${batch}x${length}`, () => buildMemoryAddressGraph(this.config, batch, length));
    const out = await session.run({ ...this.parameterFeeds, [feedNames.tokens]: tokens });
    return {
      residual: out[outputNames.memoryResidual]!.data as Float32Array,
      output: out[outputNames.memoryOutput]!.data as Float32Array,
      reads: this.readsOf(out)!,
    };
  }

  /** One sequence up to the memory lookup, in one session for every length: the residual entering
   *  the memory (T*C, position-major) and what each position read. Independent of the value rows. */
  async memoryStates(tokens: readonly number[]): Promise<{ residual: Float32Array; reads: MemoryReads }> {
    const T = tokens.length;
    if (T === 0 || T > this.config.contextLength) throw new Error(`memoryStates: ${T} tokens (1..${this.config.contextLength})`);
    // One thread: a question is tens of positions, and the session must not spin a second core
    // while a write or completion runs beside it.
    const session = await this.session('states', () => buildMemoryStatesGraph(this.config), { intraOpNumThreads: 1 });
    const out = await session.run(this.sequenceFeeds(tokens, 0));
    return { residual: out[outputNames.memoryResidual]!.data as Float32Array, reads: this.readsOf(out)! };
  }

  /** The write path's upper half: loss (weighted per target) and d(loss)/d(memory output). */
  async memoryUpper(
    inputs: { residual: Float32Array; output: Float32Array; targets: BigInt64Array; lossWeights: Float32Array },
    batch: number,
    length: number,
  ): Promise<{ loss: number; outputGradient: Float32Array }> {
    const session = await this.session(`upper:${batch}x${length}`, () => buildMemoryUpperGraph(this.config, batch, length));
    const out = await session.run({
      ...this.parameterFeeds,
      [feedNames.memoryResidual]: inputs.residual,
      [feedNames.memoryOutput]: inputs.output,
      [feedNames.targets]: inputs.targets,
      [feedNames.lossWeights]: inputs.lossWeights,
    });
    return {
      loss: (out[outputNames.loss]!.data as Float32Array)[0]!,
      outputGradient: out[outputNames.gradient(outputNames.memoryOutput)]!.data as Float32Array,
    };
  }

  /** Releases the sessions this model created. */
  async dispose(): Promise<void> {
    const sessions = await Promise.allSettled([...this.sessions.values()]);
    this.sessions.clear();
    for (const s of sessions) if (s.status === 'fulfilled') await s.value.release();
  }

  private session(key: string, build: () => OnnxModel, options = this.options.session): Promise<Session> {
    let session = this.sessions.get(key);
    if (!session) {
      session = this.runtime.load(build(), options);
      session.catch(() => this.sessions.delete(key));
      this.sessions.set(key, session);
    }
    return session;
  }

  /** Parameters, tokens, and the rotary tables and mask for positions start.. of one sequence: what
   *  every graph with fed positions (prefill, extend, states) takes. */
  private sequenceFeeds(tokens: readonly number[], start: number): Record<string, Feed> {
    const T = tokens.length;
    const half = headSize(this.config) / 2;
    const { cos, sin } = this.rotaryFor(start, T);
    return {
      ...this.parameterFeeds,
      [feedNames.tokens]: { dtype: 'int64', shape: [1, T], data: BigInt64Array.from(tokens, BigInt) },
      [feedNames.cos]: { dtype: 'float32', shape: [T, 1, half], data: cos },
      [feedNames.sin]: { dtype: 'float32', shape: [T, 1, half], data: sin },
      [feedNames.mask]: { dtype: 'float32', shape: [T, T], data: this.maskFor(T) },
    };
  }

  private rotaryFor(start: number, count: number): { cos: Float32Array<ArrayBuffer>; sin: Float32Array<ArrayBuffer> } {
    this.rotary ??= rotaryTables(this.config, 0, this.config.contextLength);
    const half = headSize(this.config) / 2;
    const view = (table: Float32Array<ArrayBuffer>) => table.subarray(start * half, (start + count) * half);
    return { cos: view(this.rotary.cos), sin: view(this.rotary.sin) };
  }

  private maskFor(count: number): Float32Array<ArrayBuffer> {
    if (this.mask?.count !== count) this.mask = { count, data: causalMask(count) };
    return this.mask.data;
  }

  private readsOf(out: Record<string, HostTensor>): MemoryReads | null {
    const slots = out[outputNames.memorySlots];
    const weights = out[outputNames.memoryWeights];
    if (!slots || !weights) return null;
    const [, , heads, topK] = slots.shape as [number, number, number, number];
    return {
      positions: slots.data.length / (heads * topK),
      heads,
      topK,
      slots: int32Of(slots.data as BigInt64Array),
      weights: weights.data as Float32Array,
    };
  }
}

/** d(loss)/d(value row) for the chosen slots, by the chain rule through the read: each read of slot
 *  s at position t with weight w adds w * dOutput[t] to row s. `rows` maps slot id -> row index in
 *  the returned (rows.size, C) gradient; reads of other slots are ignored (their rows stay frozen). */
export function valueRowGradients(
  reads: MemoryReads,
  outputGradient: Float32Array,
  rows: ReadonlyMap<number, number>,
  C: number,
): Float32Array {
  const gradient = new Float32Array(rows.size * C);
  const perPosition = reads.heads * reads.topK;
  for (let t = 0; t < reads.positions; t++) {
    for (let r = 0; r < perPosition; r++) {
      const row = rows.get(reads.slots[t * perPosition + r]!);
      if (row === undefined) continue;
      const weight = reads.weights[t * perPosition + r]!;
      for (let c = 0; c < C; c++) gradient[row * C + c] += weight * outputGradient[t * C + c]!;
    }
  }
  return gradient;
}

/** Slot ids as int32. A plain loop: `Int32Array.from(ids, Number)` took ~6 ms for a 512-token
 *  prompt's 32,768 reads, a tenth of the prefill. */
export function int32Of(ids: BigInt64Array): Int32Array {
  const out = new Int32Array(ids.length);
  for (let i = 0; i < ids.length; i++) out[i] = Number(ids[i]!);
  return out;
}
