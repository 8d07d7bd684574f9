// A quick look at what writes do: writes the first N notes of an eval set one at a time, shows the
// note's loss before/after, then asks that note's questions and prints each answer with its recall.
// For tuning the writer by eye; `mnemo eval` is the measurement.
//
//   node --import tsx scripts/experiments/writeProbe.ts --set ../shared/eval/public --limit 3 [--model DIR] [--lr X] [--steps N] [--slots N]

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { loadEvalSet } from '../src/eval/evalSet';
import { writerFlagOptions, writerSettingsOf } from './writerFlags';
import { completionFilePath } from '../src/eval/completionFilePath';
import { answerRecall } from '../src/eval/evalScore';
import { heldOutLoss, heldOutSample } from '../src/memory/keyed/heldOutLoss';
import { MemoryService } from '../src/service/memoryService';
import { encodeTrainingSequence, lossStart } from '../src/memory/intake/trainingSequence';
import type { LoadedModel } from '../src/service/modelDirectory';

/** The model's mean loss on the reference answer's tokens after the question (chat layout). */
async function answerLoss(loaded: LoadedModel, question: string, answer: string): Promise<number> {
  const sequence = { form: 'qa' as const, layout: 'exchange' as const, question, answer };
  const ids = encodeTrainingSequence(loaded.tokenizer, sequence);
  const from = lossStart(loaded.tokenizer, sequence, ids);
  const T = 128;
  const tokens = new BigInt64Array(T);
  const targets = new BigInt64Array(T);
  const weights = new Float32Array(T);
  for (let i = 0; i < Math.min(T, ids.length); i++) tokens[i] = BigInt(ids[i]!);
  for (let i = 0; i + 1 < Math.min(T, ids.length); i++) {
    targets[i] = BigInt(ids[i + 1]!);
    if (i + 1 >= from) weights[i] = 1;
  }
  const lower = await loaded.model.memoryAddress(tokens, 1, T);
  const upper = await loaded.model.memoryUpper({ residual: lower.residual, output: lower.output, targets, lossWeights: weights }, 1, T);
  return upper.loss;
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: {
      ...writerFlagOptions,
      set: { type: 'string', default: '../shared/eval/public' },
      limit: { type: 'string', default: '3' },
      model: { type: 'string', default: 'native/model' },
      styles: { type: 'string', default: 'direct,paraphrase,indirect' },
      completions: { type: 'boolean', default: false },
    },
  });
  const set = loadEvalSet(args.set!);
  const writer = writerSettingsOf(args);
  const storeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemo-probe-'));
  const service = await MemoryService.open({ storeDir, modelDir: args.model!, writer, author: 'probe' });
  const styles = new Set(args.styles!.split(','));
  const recalls: number[] = [];
  const loaded = await service.ensureModel();
  const sample = heldOutSample('native/model/heldout-sample.bin', loaded.model.config.contextLength);
  const before = await heldOutLoss(loaded.model, sample);
  try {
    const notes = args.completions ? set.notes.filter((n) => set.completions.some((c) => c.note === n.id)) : set.notes;
    let exact = 0;
    let probes = 0;
    for (const note of notes.slice(0, Number(args.limit))) {
      const questions = args.completions ? [] : set.questions.filter((q) => q.note === note.id && styles.has(q.style));
      const lossesBefore = await Promise.all(questions.map((q) => answerLoss(loaded, q.question, q.answer)));
      const written = await service.remember({ text: note.note, kind: note.kind, id: note.id, secrets: 'redact', oversize: 'chunk' });
      console.log(`\n${note.id} loss ${written.loss.before.toFixed(2)} -> ${written.loss.after.toFixed(2)} in ${written.loss.steps} steps, ${written.writeMs.toFixed(0)} ms`);
      for (const [qi, question] of questions.entries()) {
        const lossAfter = await answerLoss(loaded, question.question, question.answer);
        console.log(`  answer loss ${lossesBefore[qi]!.toFixed(2)} -> ${lossAfter.toFixed(2)}`);
        const result = await service.ask({ question: question.question });
        const recall = answerRecall(result.answer, question.answer) ?? 0;
        recalls.push(recall);
        console.log(`  [${question.style}] ${question.question}\n    -> ${JSON.stringify(result.answer.slice(0, 200))} recall ${recall.toFixed(2)} cites ${result.citations.slice(0, 3).map((c) => c.noteId).join(',')}`);
      }
      for (const completion of args.completions ? set.completions.filter((c) => c.note === note.id) : []) {
        const result = await service.complete({ filePath: completionFilePath(completion.language), prefix: completion.prefix });
        const hit = result.completion.startsWith(completion.expected);
        exact += hit ? 1 : 0;
        probes++;
        console.log(`  [completion] ...${JSON.stringify(completion.prefix.slice(-40))} -> ${JSON.stringify(result.completion.slice(0, 60))} want ${JSON.stringify(completion.expected)}${hit ? ' EXACT' : ''}`);
      }
    }
    const after = await heldOutLoss(loaded.model, sample);
    console.log(`\nheld-out loss ${before.toFixed(4)} -> ${after.toFixed(4)} (forgetting ${((after - before) / before).toFixed(4)})`);
    if (probes > 0) console.log(`completion exact ${exact}/${probes}`);
    console.log(`mean recall ${(recalls.reduce((a, b) => a + b, 0) / Math.max(1, recalls.length)).toFixed(3)} over ${recalls.length}`);
  } finally {
    await service.close();
    fs.rmSync(storeDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
