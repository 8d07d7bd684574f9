// The eval's forgetting figure needs one fixed held-out code loss, measured the same way before and
// after all writes: a fixed set of windows spread evenly over a held-out token file (the corpus's
// held-out packages, or the sample a shipped model carries), evaluated with the model's own loss.
//
// Where the tokens come from, first found wins: an explicit file; `heldout-sample.bin` in the model
// directory (for a shipped model without the corpus); `corpus/heldout.bin` in the repository.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { readTokenFile } from './corpusReader';
import type { LanguageModel } from './languageModel';

export const HELD_OUT_SAMPLE_FILE = 'heldout-sample.bin';

export interface HeldOutSample {
  /** Where the tokens came from, for the report. */
  readonly source: string;
  /** Batches of (batch, length) inputs and next-token targets. */
  readonly batches: readonly { readonly tokens: BigInt64Array; readonly targets: BigInt64Array }[];
  readonly batch: number;
  readonly length: number;
}

export interface HeldOutSampleOptions {
  /** Windows in the sample. Default 16. */
  readonly windows?: number;
  /** Tokens per window (capped by the model's context). Default 256. */
  readonly length?: number;
  /** Windows per evaluation run. Default 8. */
  readonly batch?: number;
}

/** The first held-out token file that exists, or undefined. */
export function findHeldOutTokens(candidates: {
  readonly explicit?: string;
  readonly modelDir?: string;
  readonly repoRoot?: string;
}): string | undefined {
  const files = [
    candidates.explicit,
    candidates.modelDir && path.join(candidates.modelDir, HELD_OUT_SAMPLE_FILE),
    candidates.repoRoot && path.join(candidates.repoRoot, 'corpus', 'heldout.bin'),
  ];
  return files.find((file): file is string => typeof file === 'string' && fs.existsSync(file));
}

/** `windows` windows of `length + 1` tokens at evenly spaced offsets of the file. */
export function heldOutSample(file: string, contextLength: number, options: HeldOutSampleOptions = {}): HeldOutSample {
  const tokens = readTokenFile(file);
  const length = Math.min(options.length ?? 256, contextLength);
  const windows = options.windows ?? 16;
  const batch = Math.min(options.batch ?? 8, windows);
  const span = length + 1;
  if (tokens.length < span * windows) throw new Error(`${file} has ${tokens.length} tokens; the held-out sample needs ${span * windows}`);
  const stride = Math.floor((tokens.length - span) / Math.max(1, windows - 1));
  const batches: { tokens: BigInt64Array; targets: BigInt64Array }[] = [];
  for (let first = 0; first + batch <= windows; first += batch) {
    const input = new BigInt64Array(batch * length);
    const targets = new BigInt64Array(batch * length);
    for (let row = 0; row < batch; row++) {
      const start = (first + row) * stride;
      for (let t = 0; t < length; t++) {
        input[row * length + t] = BigInt(tokens[start + t]!);
        targets[row * length + t] = BigInt(tokens[start + t + 1]!);
      }
    }
    batches.push({ tokens: input, targets });
  }
  return { source: file, batches, batch, length };
}

/** Mean next-token loss of the model over the sample. */
export async function heldOutLoss(model: LanguageModel, sample: HeldOutSample): Promise<number> {
  let sum = 0;
  for (const { tokens, targets } of sample.batches) sum += (await model.evaluate(tokens, targets, sample.batch, sample.length)).loss;
  return sum / sample.batches.length;
}
