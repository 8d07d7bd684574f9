// The size comparison (issue 21): training runs of different configurations given the same
// wall-clock budget side by side (same seed, batches and schedule shape), measured alike in one
// process: the held-out loss of each run's last checkpoint on bench:model's fixed batches, its
// prefill/decode latency on 2 threads, and the median time of a note's slot write (the shipped
// writer settings; word frequencies and state centre from native/model, which timing does not
// depend on). Prints one JSON object per run, then all of them as one JSON array.
//
//   node --import tsx scripts/train/compareSizes.ts --set ../shared/eval/public runs/size-small runs/size-deep

import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { loadEvalSet } from '../../src/eval/evalSet';
import { NoteSlotMemory } from '../../src/memory/keyed/noteSlots';
import { defaultSlotWriterSettings, writeNoteSlots } from '../../src/memory/keyed/slotWriter';
import { toNoteId } from '../../src/memory/note';
import { loadCheckpoint, readManifest } from '../../src/model/checkpoint';
import { LanguageModel } from '../../src/model/languageModel';
import { countParameters } from '../../src/model/parameters';
import { loadTokenizer } from '../../src/model/tokenizer';
import { latestCheckpoint } from '../../src/model/training/runDirectory';
import { heldOutLossOf, latencyOf, median } from './modelMeasures';
import { heldoutTokens } from './tokenBatches';

const { values: args, positionals: runs } = parseArgs({
  allowPositionals: true,
  options: {
    set: { type: 'string' },
    notes: { type: 'string', default: '12' },
    corpus: { type: 'string', default: 'corpus' },
    'eval-batches': { type: 'string', default: '32' },
    repeats: { type: 'string', default: '10' },
    threads: { type: 'string', default: '2' },
  },
});

interface LogRow {
  readonly kind: string;
  readonly tokens: number;
  readonly elapsed_s: number;
  readonly heldout_loss?: number;
}

async function main(): Promise<void> {
  if (!args.set || runs.length === 0) throw new Error('usage: compareSizes.ts --set SET_DIR RUN_DIR...');
  const tokenizer = loadTokenizer();
  const heldout = heldoutTokens(args.corpus!);
  const background = loadCheckpoint('native/model').noteSlotBackground!;
  const notes = loadEvalSet(args.set).notes.slice(0, Number(args.notes));
  const results = [];
  for (const run of runs) {
    const checkpoint = latestCheckpoint(run);
    if (!checkpoint) throw new Error(`${run} has no checkpoint`);
    const log = fs
      .readFileSync(`${run}/log.jsonl`, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map(line => JSON.parse(line) as LogRow);
    const last = log.at(-1)!; // the checkpoint's held-out evaluation, or the last training row
    const model = LanguageModel.load(checkpoint.dir, { session: { intraOpNumThreads: Number(args.threads) } });
    const { loss, accuracy } = await heldOutLossOf(model, heldout, { batch: 8, length: 256, batches: Number(args['eval-batches']) });
    const timing = await latencyOf(model, heldout, Number(args.repeats));
    const memory = new NoteSlotMemory(
      { documents: background.documents, buckets: background.wordDocumentFrequency },
      {
        finalNormWeight: new Float32Array(model.config.dModel).fill(1),
        normEps: model.config.normEps,
        stateCentre: background.stateCentre,
      },
    );
    const writes: number[] = [];
    for (const note of notes) {
      const started = performance.now();
      await writeNoteSlots(model, tokenizer, memory, { id: toNoteId(note.id), text: note.note, kind: note.kind });
      writes.push(performance.now() - started);
    }
    await model.dispose();
    const result = {
      run,
      config: { dModel: model.config.dModel, nLayers: model.config.nLayers, memoryLayer: model.config.memoryLayer },
      params: countParameters(model.parameters),
      step: checkpoint.step,
      train_tokens: readManifest(checkpoint.dir).training.tokens,
      train_seconds: last.elapsed_s,
      heldout_loss: Number(loss.toFixed(4)),
      heldout_token_acc: Number(accuracy.toFixed(4)),
      prefill_512_ms_p50: Number(timing.prefill.toFixed(2)),
      decode_token_ms_p50: Number(timing.decode.toFixed(2)),
      // The first two writes compile the writer's graph shapes.
      write_ms_p50: Math.round(median(writes.slice(2))),
      writer_steps: defaultSlotWriterSettings.steps,
    };
    console.log(JSON.stringify(result));
    results.push(result);
  }
  console.log(JSON.stringify(results));
}

main().catch((error: unknown) => {
  process.stderr.write(`compareSizes: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
