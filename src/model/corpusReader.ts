// Reads the corpus token files (corpus/*.bin: little-endian uint16 ids, documents ended by
// <|endoftext|>) and cuts them into training and evaluation windows.
//
// A window is T+1 consecutive ids: inputs are its first T, targets its last T. Batches are
// row-major Int32Array(B * (T + 1)). Training batches are a pure function of (seed, step), so a
// resumed run sees exactly the batches it would have seen without the interruption.

import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { deriveSeed, seededRandom } from './seededRandom';
import { SpecialToken, VOCAB_SIZE } from './specialTokens';
import { TOKENIZER_ID } from './tokenizer';

const isLittleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Loads a .bin token file. Node has no mmap; the largest split is ~50 MB, read whole. */
export function readTokenFile(filePath: string): Uint16Array {
  const bytes = readFileSync(filePath);
  if (bytes.length % 2 !== 0) throw new Error(`${filePath}: odd byte length ${bytes.length}, not a uint16 token file`);
  return tokensFromBytes(bytes);
}

function tokensFromBytes(bytes: Buffer): Uint16Array {
  if (isLittleEndianHost) {
    // Copy into a fresh, aligned buffer and view it directly.
    return new Uint16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  }
  const tokens = new Uint16Array(bytes.length / 2);
  for (let i = 0; i < tokens.length; i++) tokens[i] = bytes.readUInt16LE(2 * i);
  return tokens;
}

/** The splits `npm run corpus` writes, by manifest key. */
export type CorpusSplit = 'train' | 'heldout' | 'qa' | 'qaHeldout';

interface CorpusManifest {
  readonly tokenizer: string;
  readonly splits: Record<CorpusSplit, { readonly file: string; readonly tokens: number; readonly sha256: string }>;
}

/**
 * Reads one split of a corpus folder after checking it against corpus/manifest.json: same
 * tokenizer as this build, same token count and sha256 (a stale or half-copied file is refused).
 */
export function readCorpusSplit(corpusDir: string, split: CorpusSplit): Uint16Array {
  const manifestPath = path.join(corpusDir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as CorpusManifest;
  if (manifest.tokenizer !== TOKENIZER_ID) {
    throw new Error(
      `${manifestPath}: corpus made with tokenizer "${manifest.tokenizer}", this build uses "${TOKENIZER_ID}"; run npm run corpus`,
    );
  }
  const entry = manifest.splits[split];
  if (entry === undefined) throw new Error(`${manifestPath}: no split "${split}"`);
  const filePath = path.join(corpusDir, entry.file);
  const bytes = readFileSync(filePath);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== entry.sha256 || bytes.length !== entry.tokens * 2) {
    throw new Error(
      `${filePath}: does not match ${manifestPath} (sha256 ${sha256.slice(0, 12)}, expected ${entry.sha256.slice(0, 12)}); run npm run corpus`,
    );
  }
  return tokensFromBytes(bytes);
}

/** Positions where a document starts: 0 and every position right after <|endoftext|>. */
export function documentStarts(tokens: Uint16Array): Uint32Array {
  const starts = [0];
  for (let i = 0; i + 1 < tokens.length; i++) if (tokens[i] === SpecialToken.endOfText) starts.push(i + 1);
  return Uint32Array.from(starts);
}

export interface TokenSource {
  readonly tokens: Uint16Array;
  /** Relative share of batch rows drawn from this source. */
  readonly weight: number;
  /**
   * Start windows at document starts (after <|endoftext|>) instead of anywhere. Use it for the
   * question/answer files so every window begins with a whole exchange.
   */
  readonly alignToDocuments?: boolean;
}

export interface BatchSamplerOptions {
  readonly sources: readonly TokenSource[];
  /** Context length T; windows hold T + 1 ids. */
  readonly contextLength: number;
  readonly batchSize: number;
  readonly seed: number;
}

/** Random windows from one or more token files, mixed by weight, reproducible per step. */
export class BatchSampler {
  private readonly sources: readonly TokenSource[];
  private readonly starts: readonly (Uint32Array | undefined)[];
  private readonly cumulativeWeights: number[];
  private readonly windowLength: number;

  constructor(private readonly options: BatchSamplerOptions) {
    if (options.sources.length === 0) throw new Error('BatchSampler needs at least one source');
    this.windowLength = options.contextLength + 1;
    for (const source of options.sources) {
      if (source.tokens.length < this.windowLength) {
        throw new Error(`a source has ${source.tokens.length} tokens, fewer than one window (${this.windowLength})`);
      }
      if (!(source.weight > 0)) throw new Error(`source weights must be positive, got ${source.weight}`);
    }
    this.sources = options.sources;
    this.starts = options.sources.map(source => (source.alignToDocuments ? documentStarts(source.tokens) : undefined));
    let total = 0;
    this.cumulativeWeights = options.sources.map(source => (total += source.weight));
  }

  /** The batch for a training step: Int32Array(batchSize * (contextLength + 1)), row-major. */
  batch(step: number): Int32Array {
    const { batchSize, seed } = this.options;
    const random = seededRandom(deriveSeed(seed, step));
    const out = new Int32Array(batchSize * this.windowLength);
    const totalWeight = this.cumulativeWeights[this.cumulativeWeights.length - 1]!;
    for (let row = 0; row < batchSize; row++) {
      const draw = random.next() * totalWeight;
      let index = 0;
      while (index < this.sources.length - 1 && draw >= this.cumulativeWeights[index]!) index++;
      const tokens = this.sources[index]!.tokens;
      const lastStart = tokens.length - this.windowLength;
      const starts = this.starts[index];
      const start = starts === undefined ? random.int(lastStart + 1) : Math.min(starts[random.int(starts.length)]!, lastStart);
      for (let t = 0; t < this.windowLength; t++) out[row * this.windowLength + t] = tokens[start + t]!;
    }
    return out;
  }
}

export interface EvalBatch {
  /** Int32Array(rows * (contextLength + 1)), row-major. */
  readonly windows: Int32Array;
  readonly rows: number;
}

/**
 * Consecutive windows for evaluation, stepping by T so every id after the first is a target
 * exactly once; the tail that does not fill a window is left out. The last batch may have fewer rows.
 * `maxWindows` limits the pass (taken from the start, so it is the same subset every time).
 */
export function* sequentialBatches(
  tokens: Uint16Array,
  contextLength: number,
  batchSize: number,
  maxWindows = Infinity,
): Generator<EvalBatch> {
  const windowLength = contextLength + 1;
  const windowCount = Math.min(maxWindows, Math.floor((tokens.length - 1) / contextLength));
  for (let first = 0; first < windowCount; first += batchSize) {
    const rows = Math.min(batchSize, windowCount - first);
    const windows = new Int32Array(rows * windowLength);
    for (let row = 0; row < rows; row++) {
      const start = (first + row) * contextLength;
      for (let t = 0; t < windowLength; t++) windows[row * windowLength + t] = tokens[start + t]!;
    }
    yield { windows, rows };
  }
}

/** Throws if any id is outside the vocabulary (a corrupt or foreign file). */
export function checkTokenRange(tokens: Uint16Array): void {
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i]! >= VOCAB_SIZE) throw new Error(`token ${tokens[i]} at ${i} is outside the vocabulary (${VOCAB_SIZE})`);
  }
}
