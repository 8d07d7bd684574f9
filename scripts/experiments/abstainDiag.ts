// Diagnostic: what the keyed note memory's own gate says about a chat question before any decoding,
// for answerable questions (by style), unanswerable ones (unanswerable.jsonl, near/general) and
// leave-one-note-out questions (a note's questions with that note not written: "near" by
// construction, on any set). Prints each signal's distribution and, per threshold, the abstain and
// false-abstain rates, so the abstention threshold is chosen by measurement (tune on public, check
// on dev).
//
//   node --import tsx scripts/experiments/abstainDiag.ts ../shared/eval/public [../shared/eval/dev]
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadCheckpoint } from '../../src/model/checkpoint';
import { loadEvalSet } from '../../src/memory/eval/evalSet';
import { defaultNoteSlotSettings, NoteSlotMemory } from '../../src/memory/noteSlots';
import { inverseDocumentFrequency, noteBag, wordBag } from '../../src/memory/wordBag';
import type { NoteId } from '../../src/memory/note';
import { extractTerms } from '../../src/memory/keyTerms';

const checkpoint = loadCheckpoint('native/model');
const background = checkpoint.noteSlotBackground!;
const words = { documents: background.documents, buckets: background.wordDocumentFrequency };
const basis = { finalNormWeight: new Float32Array(background.stateCentre.length).fill(1), normEps: 1e-5, stateCentre: background.stateCentre };

interface Row { group: string; question: string; gate: number; mass: number; cover: number; miss: number; both: number; unknown: number; terms: string }

const textOf = new Map<string, string>();
function memoryOf(notes: readonly { id: string; note: string }[]): NoteSlotMemory {
  for (const n of notes) textOf.set(n.id, n.note);
  const memory = new NoteSlotMemory(words, basis, defaultNoteSlotSettings);
  for (const n of notes) {
    const { bag, bagNorm } = noteBag(words, n.note);
    memory.set({ id: n.id as NoteId, bag, bagNorm, count: 0, keys: new Float32Array(0), values: new Float32Array(0) });
  }
  return memory;
}

// cover: the share of the question's (unit) bag on words the top-gated note has; miss: the largest
// idf of a question word the top note lacks; both: gate x cover.
function signal(memory: NoteSlotMemory, question: string): Omit<Row, 'group' | 'question'> {
  const bag = wordBag(words, question);
  const gates = memory.gates(bag, 'chat');
  let gate = 0;
  let mass = 0;
  let top: NoteId | null = null;
  for (const [id, g] of gates) { if (g > gate) { gate = g; top = id; } mass += g; }
  let cover = 0;
  let miss = 0;
  const noteWords = top ? memory.get(top)!.bag : new Map<string, number>();
  for (const [w, x] of bag) {
    if (noteWords.has(w)) cover += x * x;
    else miss = Math.max(miss, inverseDocumentFrequency(words, w));
  }
  // unknown: the question's key terms (names, identifiers, numbers, paths, quoted) the top note's
  // text does not contain: a question that names something its best note never mentions.
  const noteText = (top ? textOf.get(top) ?? '' : '').toLowerCase();
  const missing = extractTerms(question).terms.filter((t) => !noteText.includes(t.text.toLowerCase())).map((t) => `${t.kind}:${t.text}`);
  return { gate, mass, cover, miss: -miss, both: gate * cover, unknown: -missing.length, terms: missing.join(' ') };
}

function rowsOf(dir: string): Row[] {
  const set = loadEvalSet(dir);
  const all = [...set.notes, ...set.distractors];
  const memory = memoryOf(all);
  const rows: Row[] = set.questions.map((q) => ({ group: q.style, question: q.question, ...signal(memory, q.question) }));
  const unanswerable = path.join(dir, 'unanswerable.jsonl');
  if (fs.existsSync(unanswerable)) {
    for (const line of fs.readFileSync(unanswerable, 'utf8').split('\n').filter((l) => l.trim())) {
      const u = JSON.parse(line) as { question: string; style: string };
      rows.push({ group: `un-${u.style}`, question: u.question, ...signal(memory, u.question) });
    }
  }
  // GENERAL=FILE: more unanswerable questions asked against this set's notes (a set written by us).
  if (process.env.GENERAL && !fs.existsSync(unanswerable)) {
    for (const line of fs.readFileSync(process.env.GENERAL, 'utf8').split('\n').filter((l) => l.trim())) {
      const u = JSON.parse(line) as { question: string; style: string };
      rows.push({ group: `extra-${u.style}`, question: u.question, ...signal(memory, u.question) });
    }
  }
  for (const note of set.notes) {
    const without = memoryOf(all.filter((n) => n.id !== note.id));
    for (const q of set.questions.filter((q) => q.note === note.id)) rows.push({ group: `out-${q.style}`, question: q.question, ...signal(without, q.question) });
  }
  return rows;
}

const q = (xs: number[], p: number) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(p * (xs.length - 1))]!.toFixed(3) : '-');
for (const dir of process.argv.slice(2)) {
  const rows = rowsOf(dir);
  // ROWS=FILE: every question's signals as JSON lines (to join with `mnemo eval --details`).
  if (process.env.ROWS) fs.appendFileSync(process.env.ROWS, rows.map((r) => JSON.stringify({ set: path.basename(dir), ...r }) + '\n').join(''));
  const groups = [...new Set(rows.map((r) => r.group))];
  console.log(`\n== ${dir}`);
  for (const key of (process.env.KEYS ?? 'gate,cover,miss,both').split(',') as ('gate' | 'mass' | 'cover' | 'miss' | 'both' | 'unknown')[]) {
    console.log(`-- ${key}: p10 / p25 / p50 / p75 / p90`);
    for (const g of groups) {
      const xs = rows.filter((r) => r.group === g).map((r) => r[key]);
      console.log(`${g.padEnd(16)} n=${String(xs.length).padStart(3)}  ${[0.1, 0.25, 0.5, 0.75, 0.9].map((p) => q(xs, p)).join(' / ')}`);
    }
    console.log(`-- ${key} < t: share per group`);
    console.log(`t     ${groups.map((g) => g.padStart(14)).join('')}`);
    for (const t of key === 'unknown' ? [-3, -2, -1, 0] : key === 'miss' ? [-9, -8, -7, -6.5, -6, -5.5, -5, -4.5, -4, -3] : [0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]) {
      console.log(`${t.toFixed(2)}  ${groups.map((g) => { const xs = rows.filter((r) => r.group === g); return (xs.filter((r) => r[key] < t).length / xs.length).toFixed(2).padStart(14); }).join('')}`);
    }
  }
}
