// `npm run bench:model`: the model's figures for issue 4, printed as one JSON object on the last
// line: size, training tokens, held-out loss and token accuracy, the dense baseline's held-out loss
// (same held-out batches), slot usage over 1,000 held-out batches, and prefill/decode latency on this
// machine (onnxruntime, 2 threads).
//
// The dense baseline is native/dense-baseline (kept in the repo, not in the .vsix: trained to the
// shipped model's tokens with the same seed, batches and schedule), or a run's latest checkpoint with
// --dense-run. `equal_tokens` compares the two runs' held-out curves (training-logs/, the training
// logs of the shipped model's lineage, oldest first) at the dense run's last point.
//
//   npm run bench:model -- [--model native/model] [--dense native/dense-baseline | --dense-run runs/dense-small]
//                          [--usage-batches 1000] [--memory-logs a.jsonl,b.jsonl] [--dense-log c.jsonl,d.jsonl]

import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { memorySlots } from '../../src/model/config';
import { LanguageModel } from '../../src/model/languageModel';
import { countParameters } from '../../src/model/parameters';
import { readManifest } from '../../src/model/checkpoint';
import { latestCheckpoint } from '../../src/model/training/runDirectory';
import { slotDocumentFrequency } from './slotFrequency';
import { equalTokensComparison, lineageCurve } from './equalTokens';
import { heldOutLossOf, latencyOf } from './modelMeasures';
import { batchAt, heldoutTokens, splitSampler } from './tokenBatches';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string', default: 'native/model' },
    dense: { type: 'string', default: 'native/dense-baseline' },
    'dense-run': { type: 'string' },
    'memory-logs': {
      type: 'string',
      default: 'training-logs/pkm-small.jsonl,training-logs/pkm-sharp.jsonl,training-logs/pkm-4/log.jsonl,training-logs/pkm-5/log.jsonl',
    },
    'dense-log': { type: 'string' },
    corpus: { type: 'string', default: 'corpus' },
    'eval-batches': { type: 'string', default: '32' },
    'usage-batches': { type: 'string', default: '1000' },
    batch: { type: 'string', default: '8' },
    length: { type: 'string', default: '256' },
    repeats: { type: 'string', default: '10' },
    threads: { type: 'string', default: '2' },
  },
});

const [B, T] = [Number(args.batch), Number(args.length)];
const evalShape = { batch: B, length: T, batches: Number(args['eval-batches']) };
const session = { intraOpNumThreads: Number(args.threads) };

async function main(): Promise<void> {
  // The figures are over the corpus's held-out split (32 batches and 1,000 usage batches); the
  // model's own held-out sample is a few thousand tokens, too few for them.
  if (!fs.existsSync(path.join(args.corpus!, 'manifest.json'))) {
    process.stderr.write(
      `bench:model measures on the corpus's held-out packages, and ${path.resolve(args.corpus!)} has no corpus.\nRun \`npm run corpus\` first (installs the pinned packages from the npm registry and tokenizes them: ~3-5 min), or pass --corpus DIR.\n`,
    );
    process.exit(2);
  }
  const manifest = readManifest(args.model!);
  const model = LanguageModel.load(args.model!, { session });
  const heldoutData = heldoutTokens(args.corpus!);
  const memory = await heldOutLossOf(model, heldoutData, evalShape);
  process.stderr.write(`heldout loss ${memory.loss.toFixed(4)}, accuracy ${memory.accuracy.toFixed(4)}\n`);

  let denseLoss: number | null = null;
  let denseTokens: number | null = null;
  const denseCheckpoint = args['dense-run']
    ? latestCheckpoint(args['dense-run'])
    : fs.existsSync(`${args.dense}/manifest.json`)
      ? { dir: args.dense! }
      : null;
  if (denseCheckpoint) {
    const dense = LanguageModel.load(denseCheckpoint.dir, { session });
    denseLoss = (await heldOutLossOf(dense, heldoutData, evalShape)).loss;
    denseTokens = readManifest(denseCheckpoint.dir).training.tokens;
    process.stderr.write(`dense baseline ${denseCheckpoint.dir}: heldout loss ${denseLoss.toFixed(4)}\n`);
    await dense.dispose();
  }

  let slotUsage: number | null = null;
  if (manifest.config.memoryKind === 'pkm') {
    const sampler = splitSampler(args.corpus!, 'heldout', 0x0be7c4, B, T);
    const usage = await slotDocumentFrequency(model, b => batchAt(sampler, b, B, T).tokens, Number(args['usage-batches']), B, T);
    slotUsage = usage.usage;
    process.stderr.write(`slot usage over ${usage.batches} held-out batches: ${slotUsage.toFixed(4)}\n`);
  }

  const timing = await latencyOf(model, heldoutData, Number(args.repeats));
  await model.dispose();
  console.log(
    JSON.stringify({
      params: countParameters(model.parameters),
      memory_slots: manifest.config.memoryKind === 'pkm' ? memorySlots(manifest.config) : 0,
      train_tokens: manifest.training.tokens,
      heldout_loss: round(memory.loss),
      heldout_token_acc: round(memory.accuracy),
      dense_baseline_heldout_loss: denseLoss === null ? null : round(denseLoss),
      // Not one of the keys: the comparison is fair only when this equals train_tokens.
      dense_baseline_train_tokens: denseTokens,
      equal_tokens: equalTokensComparison(
        curveOf(args['memory-logs']!),
        curveOf(
          args['dense-log'] ??
            (args['dense-run']
              ? `${args['dense-run']}/log.jsonl`
              : 'training-logs/dense-small.jsonl,training-logs/dense-4/log.jsonl,training-logs/dense-5/log.jsonl'),
        ),
      ),
      slot_usage: slotUsage === null ? null : round(slotUsage),
      prefill_512_ms_p50: round(timing.prefill, 2),
      decode_token_ms_p50: round(timing.decode, 2),
    }),
  );
}

/** The held-out curve of a lineage continued over several logs (comma-separated, oldest first; a missing one adds nothing). */
function curveOf(files: string) {
  return lineageCurve(files.split(','));
}

function round(value: number, digits = 4): number {
  return Number(value.toFixed(digits));
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:model: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
