// Exports a training checkpoint as the shipped model: fp16 weights, the manifest (config, tokenizer
// id, sha256, training tokens, held-out loss and token accuracy measured here), and the background
// slot statistics if the checkpoint has them (run slotStatistics.ts first).
//
//   node --import tsx scripts/train/exportShipped.ts --checkpoint runs/pkm-small/ckpt-00004000 [--out native/model]

import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { loadCheckpoint, saveCheckpoint } from '../../src/model/checkpoint';
import { LanguageModel } from '../../src/model/languageModel';
import { evaluationBatches, heldoutTokens } from './tokenBatches';

const shippedLimitBytes = 60 * 1024 * 1024;

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: {
      checkpoint: { type: 'string' },
      out: { type: 'string', default: 'native/model' },
      corpus: { type: 'string', default: 'corpus' },
      'eval-batches': { type: 'string', default: '32' },
      batch: { type: 'string', default: '8' },
      length: { type: 'string', default: '256' },
    },
  });
  if (!args.checkpoint) throw new Error('--checkpoint DIR is required');
  const checkpoint = loadCheckpoint(args.checkpoint);
  const [B, T] = [Number(args.batch), Number(args.length)];
  const model = new LanguageModel(checkpoint.manifest.config, checkpoint.parameters);
  let loss = 0;
  let correct = 0;
  let targets = 0;
  const batches = evaluationBatches(heldoutTokens(args.corpus!), B, T, Number(args['eval-batches']));
  for (const batch of batches) {
    const result = await model.evaluate(batch.tokens, batch.targets, B, T);
    loss += result.loss;
    for (const c of result.correct) correct += c;
    targets += result.correct.length;
  }
  await model.dispose();
  const manifest = saveCheckpoint(args.out!, {
    kind: 'shipped',
    config: checkpoint.manifest.config,
    tokenizer: checkpoint.manifest.tokenizer,
    parameters: checkpoint.parameters,
    training: { ...checkpoint.manifest.training, heldoutLoss: loss / batches.length, heldoutTokenAccuracy: correct / targets },
    ...(checkpoint.slotDocumentFrequency && checkpoint.manifest.slotStatistics
      ? {
          slotDocumentFrequency: {
            counts: checkpoint.slotDocumentFrequency,
            batches: checkpoint.manifest.slotStatistics.batches,
            tokensPerBatch: checkpoint.manifest.slotStatistics.tokensPerBatch,
          },
        }
      : {}),
  });
  const bytes = fs.statSync(path.join(args.out!, manifest.weights.file)).size;
  if (bytes > shippedLimitBytes) throw new Error(`shipped weights are ${bytes} bytes, over the ${shippedLimitBytes}-byte budget`);
  process.stderr.write(
    `exported ${args.out}: ${(bytes / 1e6).toFixed(1)} MB fp16, heldout loss ${manifest.training.heldoutLoss!.toFixed(4)}, ` +
      `accuracy ${manifest.training.heldoutTokenAccuracy!.toFixed(4)}, slot statistics ${manifest.slotStatistics ? 'yes' : 'no'}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`exportShipped: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
