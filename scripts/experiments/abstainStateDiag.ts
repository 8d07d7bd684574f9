// Diagnostic: does the model's own state similarity (MaxSim of the question's memory-input states to
// a note's, the note put as a question: service/promptStates.ts, memory/stateSimilarity.ts) tell a
// question its best-gated note answers from one it does not (unanswerable near/general, leave-one-
// note-out)? Prints, per group, MaxSim to the top-gated note, and the share under each threshold.
//
//   node --import tsx scripts/experiments/abstainStateDiag.ts ../shared/eval/public ../shared/eval/dev
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadEvalSet } from '../../src/memory/eval/evalSet';
import { NoteSlotMemory } from '../../src/memory/noteSlots';
import { noteBag, wordBag } from '../../src/memory/wordBag';
import { maxSim, States } from '../../src/memory/stateSimilarity';
import type { NoteId } from '../../src/memory/note';
import { describeModel, loadModel } from '../../src/service/modelDirectory';
import { promptStates } from '../../src/service/promptStates';

async function main(): Promise<void> {
  const loaded = loadModel(describeModel('native/model'));
  const template = loaded.noteSlots!;
  const states = new Map<string, States>();
  const statesOf = async (text: string) => {
    let s = states.get(text);
    if (!s) states.set(text, (s = (await promptStates(loaded.model, loaded.tokenizer, text)).states));
    return s;
  };
  for (const dir of process.argv.slice(2)) {
    const set = loadEvalSet(dir);
    const all = [...set.notes, ...set.distractors];
    const memoryOf = (notes: typeof all) => {
      const m = new NoteSlotMemory(template.words, template.basis, template.settings);
      for (const n of notes) {
        const { bag, bagNorm } = noteBag(template.words, n.note);
        m.set({ id: n.id as NoteId, bag, bagNorm, count: 0, keys: new Float32Array(0), values: new Float32Array(0) });
      }
      return m;
    };
    const textOf = new Map(all.map((n) => [n.id, n.note]));
    const rows: { group: string; gate: number; sim: number; best: number }[] = [];
    const measure = async (memory: NoteSlotMemory, question: string, group: string, pool: typeof all) => {
      const gates = memory.gates(wordBag(template.words, question), 'chat');
      let top: string | null = null;
      let gate = 0;
      for (const [id, g] of gates) if (g > gate) { gate = g; top = id; }
      const q = await statesOf(question);
      const sim = top ? maxSim(q, await statesOf(textOf.get(top)!)) : 0;
      let best = 0;
      for (const n of pool) best = Math.max(best, maxSim(q, await statesOf(n.note)));
      rows.push({ group, gate, sim, best });
    };
    const memory = memoryOf(all);
    for (const q of set.questions) await measure(memory, q.question, q.style, all);
    const unanswerable = path.join(dir, 'unanswerable.jsonl');
    if (fs.existsSync(unanswerable)) {
      for (const line of fs.readFileSync(unanswerable, 'utf8').split('\n').filter((l) => l.trim())) {
        const u = JSON.parse(line) as { question: string; style: string };
        await measure(memory, u.question, `un-${u.style}`, all);
      }
    }
    for (const note of set.notes) {
      const pool = all.filter((n) => n.id !== note.id);
      const without = memoryOf(pool);
      for (const q of set.questions.filter((q) => q.note === note.id)) await measure(without, q.question, `out-${q.style}`, pool);
    }
    if (process.env.ROWS) fs.appendFileSync(process.env.ROWS, rows.map((r) => JSON.stringify({ set: path.basename(dir), ...r }) + '\n').join(''));
    const groups = [...new Set(rows.map((r) => r.group))];
    const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor(p * (xs.length - 1))]!.toFixed(3);
    console.log(`\n== ${dir}`);
    for (const key of ['sim', 'best'] as const) {
      console.log(`-- ${key} (top-gated note / best over notes): p10 / p25 / p50 / p75 / p90`);
      for (const g of groups) {
        const xs = rows.filter((r) => r.group === g).map((r) => r[key]);
        console.log(`${g.padEnd(16)} n=${String(xs.length).padStart(3)}  ${[0.1, 0.25, 0.5, 0.75, 0.9].map((p) => q(xs, p)).join(' / ')}`);
      }
    }
  }
  await loaded.model.dispose();
}

void main();
