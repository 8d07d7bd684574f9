// Diagnostic: would the memory layer's input states help the chat gate pick a question's note? The
// gate (noteSlots.ts, word bags) with each note's score adjusted by w x (MaxSim - best MaxSim), MaxSim
// as citations compute it (service/promptStates.ts: the question and the note put as questions, with
// their renderings). Prints the gate's top-1 by question style for several w.
//
//   node --import tsx scripts/experiments/semanticGateDiag.ts
import { loadEvalSet } from '../src/eval/evalSet';
import { NoteSlotMemory } from '../src/memory/keyed/noteSlots';
import type { NoteId } from '../src/memory/note';
import { maxSim, States } from '../src/memory/citations/stateSimilarity';
import { noteBag, wordBag } from '../src/memory/keyed/wordBag';
import { describeModel, loadModel } from '../src/service/modelDirectory';
import { promptStates } from '../src/service/promptStates';

async function main(): Promise<void> {
  const loaded = loadModel(describeModel('native/model'));
  const memory = loaded.noteSlots!;
  const set = loadEvalSet(process.env.SET ?? '../shared/eval/public');
  const all = [...set.notes, ...set.distractors];
  const states = new Map<NoteId, States>();
  for (const n of all) {
    const id = n.id as NoteId;
    memory.set({ id, ...noteBag(memory.words, n.note), count: 0, keys: new Float32Array(0), values: new Float32Array(0) });
    states.set(id, (await promptStates(loaded.model, loaded.tokenizer, n.note)).states);
  }
  const weights = (process.env.WEIGHTS ?? '0,0.25,0.5,1,2,4').split(',').map(Number);
  const hits = new Map<number, Record<string, number>>(weights.map((w) => [w, {}]));
  for (const q of set.questions) {
    const asked = (await promptStates(loaded.model, loaded.tokenizer, q.question)).states;
    const sims = new Map([...states].map(([id, s]) => [id, maxSim(asked, s)]));
    const best = Math.max(...sims.values());
    const line: string[] = [];
    for (const w of weights) {
      const gates = [...memory.gates(wordBag(memory.words, q.question), 'chat', (id) => w * (sims.get(id)! - best))].sort((a, b) => b[1] - a[1]);
      const right = gates[0]?.[0] === q.note;
      if (right) hits.get(w)![q.style] = (hits.get(w)![q.style] ?? 0) + 1;
      line.push(`${w}:${right ? 'ok' : gates[0]?.[0] ?? '-'}`);
    }
    if (process.env.VERBOSE) console.log(`${q.style} ${q.note} ${line.join(' ')}`);
  }
  for (const [w, h] of hits) console.log(`w ${w}: top-1 ${Object.values(h).reduce((a, b) => a + b, 0)}/${set.questions.length} ${JSON.stringify(h)}`);
  await loaded.model.dispose();
}
void main();
