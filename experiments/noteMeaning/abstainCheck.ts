// The chat's answer-or-abstain decision (answerSupport.ts over NoteSlotMemory's chat gates and
// shared idf mass), with the shipped code and no model: per set, the answerable questions whose
// best note is theirs and answered ("reach"), false abstentions by style, and abstentions on the
// set's unanswerable questions (near / general) and leave-one-note-out questions. MASS=a,b,...
// sweeps `sharedIdfMass`; GENERAL=FILE asks more general questions (JSON lines) against a set that
// has no unanswerable.jsonl.
//
//   node --import tsx experiments/noteMeaning/abstainCheck.ts ../shared/eval/public ../shared/eval/dev
import * as fs from 'node:fs';
import { loadEvalSet } from '../../src/eval/evalSet';
import { answerSupport, defaultAnswerSupportSettings } from '../../src/memory/keyed/answerSupport';
import { NoteSlotMemory } from '../../src/memory/keyed/noteSlots';
import { noteBag, wordBag } from '../../src/memory/keyed/wordBag';
import type { NoteId } from '../../src/memory/note';
import { loadCheckpoint } from '../../src/model/checkpoint';

const background = loadCheckpoint('native/model').noteSlotBackground!;
const words = { documents: background.documents, buckets: background.wordDocumentFrequency };
const basis = {
  finalNormWeight: new Float32Array(background.stateCentre.length).fill(1),
  normEps: 1e-5,
  stateCentre: background.stateCentre,
};

function memoryOf(notes: readonly { id: string; note: string }[]): NoteSlotMemory {
  const memory = new NoteSlotMemory(words, basis);
  for (const n of notes)
    memory.set({ id: n.id as NoteId, ...noteBag(words, n.note), count: 0, keys: new Float32Array(0), values: new Float32Array(0) });
  return memory;
}

/** The note the chat would answer from, or null for an abstention. */
function decide(memory: NoteSlotMemory, question: string, sharedIdfMass: number): NoteId | null {
  const bag = wordBag(words, question);
  const support = answerSupport(memory.gates(bag, 'chat'), memory.size, { ...defaultAnswerSupportSettings, sharedIdfMass }, id =>
    memory.sharedIdfMass(bag, id),
  );
  return support.kind === 'supported' ? support.best.note : null;
}

const masses = (process.env.MASS ?? `0,${defaultAnswerSupportSettings.sharedIdfMass}`).split(',').map(Number);
const share = (xs: boolean[]) => (xs.length ? (xs.filter(Boolean).length / xs.length).toFixed(2) : '-');
for (const dir of process.argv.slice(2)) {
  const set = loadEvalSet(dir);
  const all = [...set.notes, ...set.distractors];
  const full = memoryOf(all);
  const without = new Map(set.notes.map(n => [n.id, memoryOf(all.filter(m => m.id !== n.id))]));
  const unanswerable = [...(set.unanswerable ?? [])];
  if (process.env.GENERAL && unanswerable.length === 0)
    for (const line of fs
      .readFileSync(process.env.GENERAL, 'utf8')
      .split('\n')
      .filter(l => l.trim()))
      unanswerable.push(JSON.parse(line));
  for (const mass of masses) {
    const reach = new Map<string, boolean[]>();
    const falseAbstain = new Map<string, boolean[]>();
    const abstain = new Map<string, boolean[]>();
    const push = (m: Map<string, boolean[]>, k: string, v: boolean) => m.set(k, [...(m.get(k) ?? []), v]);
    for (const q of set.questions) {
      const d = decide(full, q.question, mass);
      push(reach, q.style, d === q.note);
      push(falseAbstain, q.style, d === null);
      push(abstain, 'out', decide(without.get(q.note)!, q.question, mass) === null);
    }
    for (const u of unanswerable) push(abstain, u.style, decide(full, u.question, mass) === null);
    const fmt = (m: Map<string, boolean[]>, f: (xs: boolean[]) => string) => [...m].map(([k, xs]) => `${k} ${f(xs)}`).join(' ');
    console.log(
      `${set.name} mass ${mass}: reach ${fmt(reach, xs => `${xs.filter(Boolean).length}/${xs.length}`)} | false abstain ${fmt(falseAbstain, share)} | abstain ${fmt(abstain, share)}`,
    );
  }
}
