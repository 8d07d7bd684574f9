// Do the shipped model's states carry a note's meaning? For each answerable question, the note whose
// states are most like the question's, among all notes and distractors: mean-pooled centred cosine
// and MaxSim (each question position's best cosine to a note position, averaged), over the memory
// layer's input (`memoryStates`) and the last block's output (`finalStates`); beside the chat gate's
// best note (lexical). Prints right-note-first counts per question style.
//
//   node --import tsx experiments/noteMeaning/stateSimilarityProbe.ts SET_DIR...
import { loadEvalSet } from '../../src/eval/evalSet';
import { NoteSlotMemory } from '../../src/memory/keyed/noteSlots';
import { noteBag, wordBag } from '../../src/memory/keyed/wordBag';
import type { NoteId } from '../../src/memory/note';
import { loadCheckpoint } from '../../src/model/checkpoint';
import { LanguageModel } from '../../src/model/languageModel';
import { SpecialToken } from '../../src/model/specialTokens';
import { loadTokenizer } from '../../src/model/tokenizer';

const checkpoint = loadCheckpoint('native/model');
const model = new LanguageModel(checkpoint.manifest.config, checkpoint.parameters);
const tokenizer = loadTokenizer();
const C = checkpoint.manifest.config.dModel;
const background = checkpoint.noteSlotBackground!;
const words = { documents: background.documents, buckets: background.wordDocumentFrequency };
const basis = { finalNormWeight: new Float32Array(C).fill(1), normEps: 1e-5, stateCentre: background.stateCentre };

type Layer = 'memory' | 'final';
async function states(marker: number, text: string, layer: Layer): Promise<Float32Array[]> {
  const tokens = [marker, ...tokenizer.encode(text.trim())];
  const flat = layer === 'memory' ? (await model.memoryStates(tokens)).residual : await model.finalStates(tokens);
  const rows: Float32Array[] = [];
  for (let t = 1; t < tokens.length; t++) rows.push(flat.slice(t * C, (t + 1) * C));
  return rows;
}

function centred(rows: Float32Array[], centre: Float32Array): Float32Array[] {
  return rows.map(r => {
    const out = new Float32Array(C);
    let norm = 0;
    for (let i = 0; i < C; i++) norm += (out[i] = r[i]! - centre[i]!) ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < C; i++) out[i]! /= norm;
    return out;
  });
}
const dot = (a: Float32Array, b: Float32Array) => {
  let s = 0;
  for (let i = 0; i < C; i++) s += a[i]! * b[i]!;
  return s;
};
function meanVector(rows: Float32Array[]): Float32Array {
  const m = new Float32Array(C);
  for (const r of rows) for (let i = 0; i < C; i++) m[i]! += r[i]! / rows.length;
  let n = 0;
  for (let i = 0; i < C; i++) n += m[i]! ** 2;
  n = Math.sqrt(n) || 1;
  return m.map(x => x / n);
}
const maxSim = (q: Float32Array[], n: Float32Array[]) => q.reduce((s, qr) => s + Math.max(...n.map(nr => dot(qr, nr))), 0) / q.length;

async function main(): Promise<void> {
  for (const dir of process.argv.slice(2)) {
    const set = loadEvalSet(dir);
    const all = [...set.notes, ...set.distractors];
    const memory = new NoteSlotMemory(words, basis);
    for (const n of all)
      memory.set({ id: n.id as NoteId, ...noteBag(words, n.note), count: 0, keys: new Float32Array(0), values: new Float32Array(0) });
    for (const layer of ['memory', 'final'] as Layer[]) {
      const noteRaw = await Promise.all(all.map(n => states(SpecialToken.note, n.note, layer)));
      const questionRaw = await Promise.all(set.questions.map(q => states(SpecialToken.question, q.question, layer)));
      const centre = new Float32Array(C);
      let count = 0;
      for (const rows of [...noteRaw, ...questionRaw])
        for (const r of rows) {
          count++;
          r.forEach((x, i) => (centre[i]! += x));
        }
      centre.forEach((_, i) => (centre[i]! /= count));
      const notes = noteRaw.map(r => centred(r, centre));
      const noteMeans = notes.map(meanVector);
      const counts = new Map<string, { n: number; mean: number; max: number; gate: number; mix: number }>();
      for (let qi = 0; qi < set.questions.length; qi++) {
        const q = set.questions[qi]!;
        const rows = centred(questionRaw[qi]!, centre);
        const qm = meanVector(rows);
        const means = noteMeans.map(m => dot(qm, m));
        const maxs = notes.map(n => maxSim(rows, n));
        const gates = memory.gates(wordBag(words, q.question), 'chat');
        const argmax = (xs: number[]) => xs.indexOf(Math.max(...xs));
        const gateScores = all.map(n => gates.get(n.id as NoteId) ?? 0);
        const mix = all.map((_, i) => gateScores[i]! + maxs[i]! - Math.max(...maxs));
        const c = counts.get(q.style) ?? { n: 0, mean: 0, max: 0, gate: 0, mix: 0 };
        c.n++;
        if (all[argmax(means)]!.id === q.note) c.mean++;
        if (all[argmax(maxs)]!.id === q.note) c.max++;
        if (Math.max(...gateScores) > 0 && all[argmax(gateScores)]!.id === q.note) c.gate++;
        if (all[argmax(mix)]!.id === q.note) c.mix++;
        counts.set(q.style, c);
      }
      console.log(
        `${set.name} ${layer}: ` +
          [...counts].map(([s, c]) => `${s} n=${c.n} mean ${c.mean} maxsim ${c.max} gate ${c.gate} gate+maxsim ${c.mix}`).join(' | '),
      );
    }
  }
  await model.dispose();
}

void main();
