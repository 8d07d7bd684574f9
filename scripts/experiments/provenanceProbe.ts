// Compares ways of ranking notes for provenance: writes an eval set's notes and distractors with the
// writer, then ranks every question's prompt reads under each scoring and prints provenance@1/@3.
// Reads are the prompt's (the question), as the chat pass sees them before it answers.
//
//   node --import tsx scripts/experiments/provenanceProbe.ts --set ../shared/eval/public [--limit 10] [--model DIR] [--settings '{"slots":256}']

import { parseArgs } from 'node:util';
import { formatAnswerPrompt } from '../../src/model/chatFormat';
import type { MemoryReads } from '../../src/model/languageModel';
import { loadEvalSet } from '../../src/memory/eval/evalSet';
import { inverseDocumentFrequency } from '../../src/memory/slotSelection';
import { MemoryWriter } from '../../src/memory/writer';
import { heldOutLoss, heldOutSample } from '../../src/memory/eval/heldOutLoss';
import { valueTableOf, writeRows } from '../../src/memory/valueTable';
import { describeModel, loadModel } from '../../src/service/modelDirectory';

type Claims = Map<string, Map<number, number>>; // note -> slot -> |change|

function rank(reads: MemoryReads, claims: Claims, credit: (note: string, slot: number, weight: number, magnitude: number) => number): string[] {
  const scores = new Map<string, number>();
  for (const [note, slots] of claims) {
    let score = 0;
    for (let i = 0; i < reads.slots.length; i++) {
      const magnitude = slots.get(reads.slots[i]!);
      if (magnitude !== undefined) score += credit(note, reads.slots[i]!, reads.weights[i]!, magnitude);
    }
    if (score > 0) scores.set(note, score);
  }
  return [...scores].sort((a, b) => b[1] - a[1]).map(([note]) => note);
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({ options: { set: { type: 'string', default: '../shared/eval/public' }, limit: { type: 'string', default: '10' }, model: { type: 'string', default: 'native/model' }, settings: { type: 'string', default: '{}' } } });
  const set = loadEvalSet(args.set!);
  const limit = Number(args.limit);
  const loaded = loadModel(describeModel(args.model!));
  const writer = new MemoryWriter(loaded.model, loaded.tokenizer, loaded.background, { settings: JSON.parse(args.settings!) });
  const table = valueTableOf(loaded.model);
  const claims: Claims = new Map();
  const sample = heldOutSample('native/model/heldout-sample.bin', loaded.model.config.contextLength);
  const lossBefore = await heldOutLoss(loaded.model, sample);
  const notes = [...set.notes.slice(0, limit), ...set.distractors.slice(0, limit)];
  for (const note of notes) {
    const write = await writer.train({ text: note.note, kind: note.kind });
    writeRows(table, write.slots, write.next);
    const own = new Map<number, number>();
    write.slots.forEach((slot, i) => {
      let square = 0;
      for (let c = i * table.rowWidth; c < (i + 1) * table.rowWidth; c++) square += (write.next[c]! - write.prev[c]!) ** 2;
      own.set(slot, Math.sqrt(square));
    });
    claims.set(note.id, own);
    process.stderr.write(`wrote ${note.id}\n`);
  }
  const lossAfter = await heldOutLoss(loaded.model, sample);
  console.log(`forgetting ${((lossAfter - lossBefore) / lossBefore).toFixed(4)} (held-out ${lossBefore.toFixed(4)} -> ${lossAfter.toFixed(4)})`);
  const total = new Map([...claims].map(([note, slots]) => [note, [...slots.values()].reduce((a, b) => a + b, 0)]));
  const slotCount = new Map([...claims].map(([note, slots]) => [note, slots.size]));
  const idf = (slot: number) => inverseDocumentFrequency(loaded.background.documentFrequency[slot] ?? 0, loaded.background.batches);
  const scorings: Record<string, (note: string, slot: number, weight: number, magnitude: number) => number> = {
    contribution: (_n, _s, w, m) => w * m,
    reads: (_n, _s, w) => w,
    readsPerSlot: (n, _s, w) => w / slotCount.get(n)!,
    contributionShare: (n, _s, w, m) => (w * m) / total.get(n)!,
    contributionIdf: (_n, s, w, m) => w * m * idf(s),
    readsIdf: (_n, s, w) => w * idf(s),
    readsIdf2: (_n, s, w) => w * idf(s) ** 2,
    readsIdf3: (_n, s, w) => w * idf(s) ** 3,
  };
  const hits = Object.fromEntries(Object.keys(scorings).map((k) => [k, { at1: 0, at3: 0 }]));
  const byStyle: Record<string, Record<string, number>> = {};
  const questions = set.questions.filter((q) => set.notes.slice(0, limit).some((n) => n.id === q.note));
  for (const question of questions) {
    const prompt = formatAnswerPrompt(loaded.tokenizer, { notes: [], question: question.question });
    const T = prompt.length;
    const { reads } = await loaded.model.memoryAddress(BigInt64Array.from(prompt, BigInt), 1, T);
    for (const [name, credit] of Object.entries(scorings)) {
      const ranked = rank(reads, claims, credit);
      if (ranked[0] === question.note) {
        hits[name]!.at1++;
        (byStyle[name] ??= {})[question.style] = ((byStyle[name] ??= {})[question.style] ?? 0) + 1;
      }
      if (ranked.slice(0, 3).includes(question.note)) hits[name]!.at3++;
    }
  }
  for (const [name, h] of Object.entries(hits)) console.log(`${name.padEnd(18)} p@1 ${(h.at1 / questions.length).toFixed(3)} p@3 ${(h.at3 / questions.length).toFixed(3)} ${JSON.stringify(byStyle[name] ?? {})}`);
  await writer.dispose();
  await loaded.model.dispose();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
