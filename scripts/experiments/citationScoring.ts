// Tries citation scorings offline: for every note (and distractor) it keeps the slot read weights of
// the note's training sequences c(n, s), its written slots and footprint; for every question the
// prompt's read weights q(s); then ranks the notes under each scoring and prints provenance@1/@3.
// No SGD (citations need only addresses), so a run over hundreds of notes takes minutes.
//
//   node --import tsx scripts/experiments/citationScoring.ts [--set DIR | --generated N] [--model DIR]

import { parseArgs } from 'node:util';
import { formatAnswerPrompt } from '../../src/model/chatFormat';
import { loadEvalSet } from '../../src/memory/eval/evalSet';
import { generateCapacityNotes } from '../../src/memory/eval/capacityRun';
import { countSlotAccesses, slotIdfOf } from '../../src/memory/slotSelection';
import { MemoryWriter } from '../../src/memory/writer';
import { valueTableOf } from '../../src/memory/valueTable';
import { describeModel, loadModel } from '../../src/service/modelDirectory';

interface NoteData {
  readonly id: string;
  readonly owned: ReadonlySet<number>;
  readonly ownedLower: ReadonlySet<number>;
  readonly counts: Float64Array; // c(n, s)
  readonly total: number;
}

type Scoring = (q: ReadonlyMap<number, number>, note: NoteData, idf: (s: number) => number) => number;

const scorings: Record<string, Scoring> = {
  current: (q, n, idf) => sum(q, (s, w) => (n.owned.has(s) ? Math.sqrt(w) * idf(s) ** 2 : 0)),
  '+lowercase': (q, n, idf) => sum(q, (s, w) => (n.ownedLower.has(s) ? Math.sqrt(w) * idf(s) ** 2 : 0)),
  'owned*sqrt(p)': (q, n, idf) => sum(q, (s, w) => (n.owned.has(s) ? Math.sqrt(w) * idf(s) ** 2 * Math.sqrt(n.counts[s]! / n.total) : 0)),
  'owned*p/(p+k)': (q, n, idf) => sum(q, (s, w) => { const c = n.counts[s]!; return n.owned.has(s) ? Math.sqrt(w) * idf(s) ** 2 * (c / (c + 0.5)) : 0; }),
  'owned*c/(c+2)': (q, n, idf) => sum(q, (s, w) => { const c = n.counts[s]!; return n.owned.has(s) ? Math.sqrt(w) * idf(s) ** 2 * (c / (c + 2)) : 0; }),
  'all*sqrt(c)': (q, n, idf) => sum(q, (s, w) => Math.sqrt(w) * idf(s) ** 2 * Math.sqrt(n.counts[s]!)),
  'all*c/(c+1)': (q, n, idf) => sum(q, (s, w) => { const c = n.counts[s]!; return Math.sqrt(w) * idf(s) ** 2 * (c / (c + 1)); }),
  'all*sqrt(p)': (q, n, idf) => sum(q, (s, w) => Math.sqrt(w) * idf(s) ** 2 * Math.sqrt(n.counts[s]! / n.total)),
  'cosine': (q, n, idf) => {
    let dot = 0;
    for (const [s, w] of q) dot += Math.sqrt(w) * idf(s) * Math.sqrt(n.counts[s]!) * idf(s);
    return dot / Math.sqrt(normOf(n, idf));
  },
};

const norms = new WeakMap<NoteData, number>();
function normOf(n: NoteData, idf: (s: number) => number): number {
  let v = norms.get(n);
  if (v === undefined) {
    v = 0;
    for (let s = 0; s < n.counts.length; s++) if (n.counts[s]! > 0) v += n.counts[s]! * idf(s) ** 2;
    norms.set(n, v);
  }
  return v;
}

function sum(q: ReadonlyMap<number, number>, f: (slot: number, weight: number) => number): number {
  let total = 0;
  for (const [s, w] of q) total += f(s, w);
  return total;
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({ options: { set: { type: 'string', default: '../shared/eval/public' }, model: { type: 'string', default: 'native/model' }, generated: { type: 'string' } } });
  const generated = args.generated ? generateCapacityNotes(Number(args.generated)) : null;
  const set = generated ? { notes: generated.notes, distractors: [], questions: generated.questions } : loadEvalSet(args.set!);
  const loaded = loadModel(describeModel(args.model!));
  const writer = new MemoryWriter(loaded.model, loaded.tokenizer, loaded.background, { settings: { maxSteps: 0 }, citationBackground: loaded.citationBackground });
  const slotCount = valueTableOf(loaded.model).slotCount;
  const notes: NoteData[] = [];
  for (const note of [...set.notes, ...set.distractors]) {
    const write = await writer.train({ text: note.note, kind: note.kind });
    const { reads, used } = await writer.addressOf({ text: note.note, kind: note.kind });
    const counts = countSlotAccesses(reads, slotCount, { mode: 'weight', positions: used });
    const lower = await writer.addressOf({ text: note.note.toLowerCase(), kind: note.kind });
    const lowerCounts = countSlotAccesses(lower.reads, slotCount, { mode: 'weight', positions: lower.used });
    const both = counts.map((c, s) => c + lowerCounts[s]!);
    const footprintIdf = slotIdfOf(loaded.citationBackground);
    const top = [...both.keys()].filter((s) => both[s]! > 0).sort((a, b) => both[b]! * footprintIdf(b) - both[a]! * footprintIdf(a)).slice(0, 2048);
    notes.push({ id: note.id, owned: new Set([...write.slots, ...write.footprint]), ownedLower: new Set([...write.slots, ...top]), counts, total: counts.reduce((a, b) => a + b, 0) });
  }
  process.stderr.write(`${notes.length} notes addressed\n`);
  const idf = slotIdfOf(loaded.citationBackground);
  const hits = Object.fromEntries(Object.keys(scorings).map((k) => [k, { at1: 0, at3: 0, byStyle: {} as Record<string, number> }]));
  const questions = generated ? set.questions.slice(0, 200) : set.questions;
  for (const question of questions) {
    const prompt = formatAnswerPrompt(loaded.tokenizer, { notes: [], question: question.question });
    const { reads } = await loaded.model.memoryAddress(BigInt64Array.from(prompt, BigInt), 1, prompt.length);
    const q = new Map<number, number>();
    for (let i = 0; i < reads.slots.length; i++) q.set(reads.slots[i]!, (q.get(reads.slots[i]!) ?? 0) + reads.weights[i]!);
    for (const [name, scoring] of Object.entries(scorings)) {
      const ranked = notes.map((n) => ({ id: n.id, score: scoring(q, n, idf) })).sort((a, b) => b.score - a.score);
      const h = hits[name]!;
      if (ranked[0]!.id === question.note) {
        h.at1++;
        h.byStyle[question.style] = (h.byStyle[question.style] ?? 0) + 1;
      }
      if (ranked.slice(0, 3).some((r) => r.id === question.note)) h.at3++;
    }
  }
  for (const [name, h] of Object.entries(hits)) console.log(`${name.padEnd(16)} p@1 ${(h.at1 / questions.length).toFixed(3)} p@3 ${(h.at3 / questions.length).toFixed(3)} ${JSON.stringify(h.byStyle)}`);
  await writer.dispose();
  await loaded.model.dispose();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
