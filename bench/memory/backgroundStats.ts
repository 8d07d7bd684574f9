// Background slot statistics for a checkpoint, as the memory writer wants them: df over code
// windows (train.bin) and over chat exchanges (qa.bin, windows starting at an exchange), merged so
// a slot counts as generic if either kind of text reads it often. Written into the checkpoint
// (slot-df.safetensors + manifest), where backgroundStatsOf finds it.
//
// Documents are `--segment` tokens long (default: the whole window).
//
//   node --import tsx bench/memory/backgroundStats.ts --checkpoint DIR [--windows 1000] [--length 256] [--segment N] [--threads 1]

import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { writeSlotStatistics } from '../../src/model/checkpoint';
import { documentStarts, readTokenFile } from '../../src/model/corpusReader';
import { LanguageModel } from '../../src/model/languageModel';
import { seededRandom } from '../../src/model/seededRandom';
import { countDocumentFrequency, mergeBackgrounds } from '../../src/memory/rows/backgroundStats';

const { values: args } = parseArgs({
  options: {
    checkpoint: { type: 'string' },
    corpus: { type: 'string', default: 'corpus' },
    windows: { type: 'string', default: '1000' },
    length: { type: 'string', default: '256' },
    segment: { type: 'string' },
    threads: { type: 'string', default: '1' },
    seed: { type: 'string', default: '7160' },
  },
});

function windowsFrom(tokens: Uint16Array, starts: ArrayLike<number> | null, count: number, length: number, seed: number): Uint16Array[] {
  const random = seededRandom(seed);
  const windows: Uint16Array[] = [];
  const last = tokens.length - length;
  for (let i = 0; i < count; i++) {
    const start = starts ? Math.min(starts[random.int(starts.length)]!, last) : random.int(last + 1);
    windows.push(tokens.subarray(start, start + length));
  }
  return windows;
}

async function main(): Promise<void> {
  if (!args.checkpoint) throw new Error('--checkpoint DIR is required');
  const [count, length, seed] = [Number(args.windows), Number(args.length), Number(args.seed)];
  const segment = Number(args.segment ?? length);
  const model = LanguageModel.load(args.checkpoint, { session: { intraOpNumThreads: Number(args.threads) } });
  const code = readTokenFile(path.join(args.corpus!, 'train.bin'));
  const qa = readTokenFile(path.join(args.corpus!, 'qa.bin'));
  const started = Date.now();
  const progress = (label: string) => (done: number) =>
    process.stderr.write(`\r${label} ${done}/${count} windows, ${((Date.now() - started) / 1000).toFixed(0)} s`);
  const codeStats = await countDocumentFrequency(model, windowsFrom(code, null, count, length, seed), length, {
    segment,
    onProgress: progress('code'),
  });
  const qaStats = await countDocumentFrequency(model, windowsFrom(qa, documentStarts(qa), count, length, seed + 1), length, {
    segment,
    onProgress: progress('exchanges'),
  });
  const merged = mergeBackgrounds([codeStats, qaStats]);
  writeSlotStatistics(args.checkpoint, merged.documentFrequency, merged.batches, segment);
  const quantiles = (df: Int32Array) => {
    const sorted = Int32Array.from(df).sort();
    return [0.25, 0.5, 0.75, 0.9].map(q => sorted[Math.floor(q * (sorted.length - 1))]).join('/');
  };
  process.stderr.write(
    `\ndf quartiles/p90 over ${merged.batches} documents of ${segment} tokens: code ${quantiles(codeStats.documentFrequency)}, exchanges ${quantiles(qaStats.documentFrequency)}, merged ${quantiles(merged.documentFrequency)}; written to ${args.checkpoint}\n`,
  );
  await model.dispose();
}

main().catch((error: unknown) => {
  process.stderr.write(`backgroundStats: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
