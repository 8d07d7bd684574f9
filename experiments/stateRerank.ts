// Re-ranking citations by the memory layer's input states: the service's citations (slot reads of
// the question as asked and lowercased, against footprints) give candidates; each candidate is then
// scored by MaxSim (for each question position, the best cosine with any position of the note put
// as a question, as written and lowercased) over the residual stream where the memory reads (the
// input its queries are projected from). With at most 100 notes, also MaxSim alone over every note
// (no reads). Prints provenance@1/@3.
//
//   node --import tsx scripts/experiments/stateRerank.ts [--set DIR | --generated N] [--model DIR]
//   RANKS=1 also prints each question's note rank under MaxSim alone.

import { parseArgs } from 'node:util';
import { formatAnswerPrompt } from '../src/model/chatFormat';
import { loadEvalSet } from '../src/eval/evalSet';
import { generateCapacityNotes } from '../src/eval/capacityRun';
import { CitationIndex } from '../src/memory/citations/citationIndex';
import { CitedNote, citeNotes } from '../src/memory/citations/provenance';
import { rerankByStates } from '../src/memory/citations/citationRerank';
import { concatStates, maxSim, States, unitStates } from '../src/memory/citations/stateSimilarity';
import { slotIdfOf } from '../src/memory/rows/rowSelection';
import { MemoryWriter } from '../src/memory/rows/rowWriter';
import { questionRenderings } from '../src/memory/citations/questionRenderings';
import { encodeTrainingSequence } from '../src/memory/intake/trainingSequence';
import type { NoteId } from '../src/memory/note';
import type { MemoryReads } from '../src/model/languageModel';
import { describeModel, loadModel } from '../src/service/modelDirectory';
import { promptStates } from '../src/service/promptStates';


async function main(): Promise<void> {
  const { values: args } = parseArgs({ options: { set: { type: 'string', default: '../shared/eval/public' }, model: { type: 'string', default: 'native/model' }, generated: { type: 'string' } } });
  const generated = args.generated ? generateCapacityNotes(Number(args.generated)) : null;
  const set = generated ? { notes: generated.notes, distractors: [], questions: generated.questions } : loadEvalSet(args.set!);
  const loaded = loadModel(describeModel(args.model!));
  const writer = new MemoryWriter(loaded.model, loaded.tokenizer, loaded.background, { settings: { maxSteps: 0 }, citationBackground: loaded.citationBackground });
  const C = loaded.model.config.dModel;
  const idf = slotIdfOf(loaded.citationBackground);

  /** Reads and unit-length states of a prompt (marker positions left out), and each position's
   *  weight for the idf-weighted variant: its reads' weight times idf, per head. */
  const prompt = async (text: string, layout: 'question' | 'file' = 'question'): Promise<{ reads: MemoryReads; states: States; weights: number[] }> => {
    const ids = layout === 'question' ? formatAnswerPrompt(loaded.tokenizer, { notes: [], question: text }) : encodeTrainingSequence(loaded.tokenizer, { form: 'note', layout: 'file', path: 'NOTES.md', contents: `${text}\n` });
    const { residual, reads } = await loaded.model.memoryStates(ids);
    const weights: number[] = [];
    const perPosition = reads.heads * reads.topK;
    for (let t = 1; t < ids.length - 1; t++) {
      let w = 0;
      for (let r = t * perPosition; r < (t + 1) * perPosition; r++) w += reads.weights[r]! * idf(reads.slots[r]!);
      weights.push(w / reads.heads);
    }
    return { reads, states: unitStates(residual, C, 1, ids.length - 1), weights };
  };
  /** maxSim with each question position weighted (zero states are never dropped by the model). */
  const weightedMaxSim = (question: States, note: States, weights: number[]): number => {
    let sum = 0;
    let total = 0;
    for (let a = 0; a < question.rows; a++) {
      const one: States = { rows: 1, width: C, data: question.data.subarray(a * C, (a + 1) * C) };
      sum += weights[a]! * maxSim(one, note);
      total += weights[a]!;
    }
    return sum / Math.max(1e-9, total);
  };

  const index = new CitationIndex();
  const noteStates = new Map<NoteId, States>();
  const noteFileStates = new Map<NoteId, States>();
  const live: { id: NoteId; slots: number[]; footprint: number[] }[] = [];
  for (const note of [...set.notes, ...set.distractors]) {
    const write = await writer.train({ text: note.note, kind: note.kind });
    const id = note.id as NoteId;
    live.push({ id, slots: write.slots, footprint: write.footprint });
    const text = note.note.replace(/\s+/g, ' ').trim();
    noteStates.set(id, (await promptStates(loaded.model, loaded.tokenizer, text)).states); // as the service makes them
    noteFileStates.set(id, concatStates([(await prompt(text, 'file')).states, (await prompt(text.toLowerCase(), 'file')).states], C));
    if (live.length % 100 === 0) process.stderr.write(`${live.length} notes\n`);
  }
  index.sync(live);

  const every = Math.max(1, Math.floor(set.questions.length / 200));
  const questions = generated ? set.questions.filter((_, i) => i % every === 0).slice(0, 200) : set.questions;
  const methods: Record<string, (cited: CitedNote[], sims: Map<NoteId, number>) => NoteId[]> = {
    'slot reads (shipped)': (cited) => cited.map((c) => c.note),
  };
  for (const n of [3, 5, 10, 20]) methods[`top ${n} by reads, re-ranked by MaxSim`] = (cited, sims) => cited.slice(0, n).map((c) => c.note).sort((a, b) => sims.get(b)! - sims.get(a)!);
  for (const lambda of [0.5, 1, 2, 4]) {
    methods[`top 20: reads/max + ${lambda} x (MaxSim - best MaxSim)/spread`] = (cited, sims) => {
      const top = cited.slice(0, 20);
      const best = Math.max(...top.map((c) => sims.get(c.note)!));
      const worst = Math.min(...top.map((c) => sims.get(c.note)!));
      const spread = best - worst || 1;
      const combined = (c: { note: NoteId; score: number }) => c.score / top[0]!.score + lambda * (sims.get(c.note)! - best) / spread;
      return [...top].sort((a, b) => combined(b) - combined(a)).map((c) => c.note);
    };
  }
  for (const beta of [10, 20, 40, 80]) {
    methods[`top 20: reads x exp(${beta} x MaxSim)`] = (cited, sims) => rerankByStates(cited, (note) => sims.get(note)!, { candidates: 20, sharpness: beta }).map((c) => c.note);
  }
  const hits: Record<string, { at1: number; at3: number; byStyle: Record<string, number> }> = {};
  for (const question of questions) {
    const asked = await prompt(question.question);
    const renderings = await Promise.all(questionRenderings(question.question).map((text) => prompt(text)));
    const cited = citeNotes([asked.reads, ...renderings.map((r) => r.reads)], index.ownership(), { weighting: 'specificity', slotIdf: idf });
    const states = concatStates([asked.states, ...renderings.map((r) => r.states)], C);
    const weights = [...asked.weights, ...renderings.flatMap((r) => r.weights)];
    const simVariants: Record<string, Map<NoteId, number>> = {
      '': new Map(cited.slice(0, 20).map((c) => [c.note, maxSim(states, noteStates.get(c.note)!)])),
      ' [idf-weighted]': new Map(cited.slice(0, 20).map((c) => [c.note, weightedMaxSim(states, noteStates.get(c.note)!, weights)])),
      ' [symmetric]': new Map(cited.slice(0, 20).map((c) => [c.note, (maxSim(states, noteStates.get(c.note)!) + maxSim(noteStates.get(c.note)!, states)) / 2])),
      ' [+file states]': new Map(cited.slice(0, 20).map((c) => [c.note, maxSim(states, concatStates([noteStates.get(c.note)!, noteFileStates.get(c.note)!], C))])),
    };
    if (noteStates.size <= 100) {
      const all = [...noteStates].map(([note, s]) => ({ note, sim: maxSim(states, s) })).sort((a, b) => b.sim - a.sim);
      const name = 'MaxSim alone over every note (no reads)';
      if (process.env.RANKS) console.log(`${question.style} ${question.note}: MaxSim rank ${all.findIndex((a) => a.note === question.note)} (first ${all[0]!.note})`);
      const h = (hits[name] ??= { at1: 0, at3: 0, byStyle: {} });
      if (all[0]!.note === question.note) {
        h.at1++;
        h.byStyle[question.style] = (h.byStyle[question.style] ?? 0) + 1;
      }
      if (all.slice(0, 3).some((a) => a.note === question.note)) h.at3++;
    }
    for (const [variant, sims] of Object.entries(simVariants)) for (const [name0, rank] of Object.entries(methods)) {
      if (variant !== '' && !/exp\(10|top 10 by/.test(name0)) continue;
      const name = name0 + variant;
      hits[name] ??= { at1: 0, at3: 0, byStyle: {} };
      const ranked = rank(cited, sims).slice(0, 3);
      const h = hits[name]!;
      if (ranked[0] === question.note) {
        h.at1++;
        h.byStyle[question.style] = (h.byStyle[question.style] ?? 0) + 1;
      }
      if (ranked.includes(question.note as NoteId)) h.at3++;
    }
  }
  for (const [name, h] of Object.entries(hits)) console.log(`${name.padEnd(58)} p@1 ${(h.at1 / questions.length).toFixed(3)} p@3 ${(h.at3 / questions.length).toFixed(3)} ${JSON.stringify(h.byStyle)}`);
  await writer.dispose();
  await loaded.model.dispose();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
