// Background slot statistics for a checkpoint: runs ~1,000 batches of the pretraining mix through
// the memory lookup and stores each slot's document frequency next to the weights
// (slot-df.safetensors, named in manifest.json with its sha256). The write path reads it.
//
//   node --import tsx scripts/train/slotStatistics.ts --checkpoint runs/pkm-small/ckpt-00004000 [--batches 1000]

import { parseArgs } from 'node:util';
import { readManifest, writeSlotStatistics } from '../../src/model/checkpoint';
import { LanguageModel } from '../../src/model/languageModel';
import { ProgressBar } from '../../src/model/training/progressBar';
import { slotDocumentFrequency } from './slotFrequency';
import { batchAt, trainingSampler } from './tokenBatches';

/** Batches for statistics come from their own seed stream, never the training stream's steps. */
export const backgroundSeed = 0x5eed_df;

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: {
      checkpoint: { type: 'string' },
      batches: { type: 'string', default: '1000' },
      batch: { type: 'string', default: '8' },
      length: { type: 'string', default: '256' },
      corpus: { type: 'string', default: 'corpus' },
      threads: { type: 'string', default: '2' },
    },
  });
  if (!args.checkpoint) throw new Error('--checkpoint DIR is required');
  const [count, B, T] = [Number(args.batches), Number(args.batch), Number(args.length)];
  const model = LanguageModel.load(args.checkpoint, { session: { intraOpNumThreads: Number(args.threads) } });
  const sampler = trainingSampler(args.corpus!, backgroundSeed, B, T, 0.15); // the pretraining mix
  const progress = new ProgressBar(process.stderr, 10_000);
  const started = Date.now();
  const frequency = await slotDocumentFrequency(
    model,
    b => batchAt(sampler, b, B, T).tokens,
    count,
    B,
    T,
    done =>
      progress.update({
        step: done,
        totalSteps: count,
        loss: 0,
        tokensPerSecond: (done * B * T) / ((Date.now() - started) / 1000),
        elapsedSeconds: (Date.now() - started) / 1000,
      }),
  );
  writeSlotStatistics(args.checkpoint, frequency.counts, frequency.batches, B * T);
  const manifest = readManifest(args.checkpoint);
  process.stderr.write(
    `\nslot statistics: ${count} batches, usage ${frequency.usage.toFixed(4)}, written to ${manifest.slotStatistics!.file}\n`,
  );
  await model.dispose();
}

main().catch((error: unknown) => {
  process.stderr.write(`slotStatistics: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
