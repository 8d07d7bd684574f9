// Seeded (batch, length) windows of next-token training data from the corpus's Uint16 token files.
// The batch of step s is a pure function of (seed, s), so a resumed run sees the same stream.
// Rows are drawn from the code split and, with probability `qaShare`, from the question/answer
// split, so the model learns the chat format too.
//
// Stand-in until src/model/corpusReader.ts (the corpus helper's batch sampler) lands; it reads the
// same files (corpus/*.bin, uint16 little-endian, documents separated by <|endoftext|>).

import * as fs from "node:fs";
import { deriveSeed, seededRandom } from "../../src/model/seededRandom";

export interface TokenBatch {
  readonly tokens: BigInt64Array; // (B, T)
  readonly targets: BigInt64Array; // (B, T): tokens shifted by one
}

export function readTokenFile(file: string): Uint16Array {
  const bytes = fs.readFileSync(file);
  if (bytes.length % 2 !== 0) throw new Error(`${file}: odd byte length, not a uint16 token file`);
  const tokens = new Uint16Array(bytes.length / 2);
  for (let i = 0; i < tokens.length; i++) tokens[i] = bytes.readUInt16LE(i * 2);
  return tokens;
}

export interface BatchSource {
  readonly main: Uint16Array;
  readonly qa: Uint16Array | null;
  readonly qaShare: number;
}

/** The batch for `step`: each row a random window of length + 1 tokens. */
export function batchAt(source: BatchSource, seed: number, step: number, batch: number, length: number): TokenBatch {
  const random = seededRandom(deriveSeed(seed, step));
  const tokens = new BigInt64Array(batch * length);
  const targets = new BigInt64Array(batch * length);
  for (let row = 0; row < batch; row++) {
    const useQa = source.qa !== null && random.next() < source.qaShare;
    const data = useQa ? source.qa! : source.main;
    if (data.length < length + 1) throw new Error(`token file of ${data.length} tokens is shorter than one window of ${length + 1}`);
    const start = random.int(data.length - length);
    for (let t = 0; t < length; t++) {
      tokens[row * length + t] = BigInt(data[start + t]!);
      targets[row * length + t] = BigInt(data[start + t + 1]!);
    }
  }
  return { tokens, targets };
}

/** Consecutive, non-overlapping windows from the start of a held-out file: the same every time. */
export function evaluationBatches(data: Uint16Array, batch: number, length: number, count: number): TokenBatch[] {
  const batches: TokenBatch[] = [];
  const stride = length;
  let cursor = 0;
  for (let b = 0; b < count; b++) {
    const tokens = new BigInt64Array(batch * length);
    const targets = new BigInt64Array(batch * length);
    for (let row = 0; row < batch; row++) {
      if (cursor + length + 1 > data.length) cursor = 0;
      for (let t = 0; t < length; t++) {
        tokens[row * length + t] = BigInt(data[cursor + t]!);
        targets[row * length + t] = BigInt(data[cursor + t + 1]!);
      }
      cursor += stride;
    }
    batches.push({ tokens, targets });
  }
  return batches;
}
