// Does the memory read where an answer starts know which note the question is about? For every note
// (and distractor) of a set: the slots read at the answer marker of its training questions (the
// position whose logits give the answer's first token); for every eval question: the slots read
// there. If a question's read overlapped its own note's more than the others', a write at that
// position could answer it; if not, whatever is written there is shared by every question.
//
//   node --import tsx scripts/experiments/answerPositionReads.ts [--set DIR] [--model DIR]

import { parseArgs } from 'node:util';
import { augmentNote } from '../src/memory/intake/augment';
import { loadEvalSet } from '../src/eval/evalSet';
import { formatAnswerPrompt } from '../src/model/chatFormat';
import { describeModel, loadModel } from '../src/service/modelDirectory';

type SlotWeights = Map<number, number>;

async function main(): Promise<void> {
  const { values: args } = parseArgs({ options: { set: { type: 'string', default: '../shared/eval/public' }, model: { type: 'string', default: 'native/model' } } });
  const set = loadEvalSet(args.set!);
  const loaded = loadModel(describeModel(args.model!));
  /** Summed read weight per slot at the prompt's last position (the answer marker). */
  const answerPositionReads = async (question: string): Promise<SlotWeights> => {
    const { reads } = await loaded.model.extend(loaded.model.newCache(), formatAnswerPrompt(loaded.tokenizer, { notes: [], question }));
    const width = reads!.heads * reads!.topK;
    const out: SlotWeights = new Map();
    for (let i = reads!.slots.length - width; i < reads!.slots.length; i++) out.set(reads!.slots[i]!, (out.get(reads!.slots[i]!) ?? 0) + reads!.weights[i]!);
    return out;
  };
  const overlap = (a: SlotWeights, b: SlotWeights) => [...a].reduce((sum, [slot, w]) => sum + Math.min(w, b.get(slot) ?? 0), 0);

  const notes = [...set.notes, ...set.distractors];
  const noteReads: SlotWeights[] = [];
  for (const note of notes) {
    const questions = augmentNote({ text: note.note, kind: note.kind }, { minSequences: 16, maxSequences: 64 }).flatMap((s) => (s.layout === 'exchange' ? [s.question] : []));
    const mean: SlotWeights = new Map();
    for (const question of questions) for (const [slot, w] of await answerPositionReads(question)) mean.set(slot, (mean.get(slot) ?? 0) + w / questions.length);
    noteReads.push(mean);
  }
  const heads = loaded.model.config.pkm.heads;
  let right = 0;
  let own = 0;
  let other = 0;
  for (const question of set.questions) {
    const reads = await answerPositionReads(question.question);
    const scores = noteReads.map((n) => overlap(reads, n));
    const mine = notes.findIndex((n) => n.id === question.note);
    if (scores.indexOf(Math.max(...scores)) === mine) right++;
    own += scores[mine]!;
    other += (scores.reduce((a, b) => a + b, 0) - scores[mine]!) / (notes.length - 1);
  }
  const n = set.questions.length;
  const slots = new Set(noteReads.flatMap((m) => [...m.keys()])).size;
  console.log(`${notes.length} notes' training questions read ${slots} distinct slots at the answer marker`);
  console.log(`a question's answer-marker read overlaps its own note's by ${(own / n).toFixed(3)} and another note's by ${(other / n).toFixed(3)} (of ${heads} read weight)`);
  console.log(`picking the note by that overlap: ${(right / n).toFixed(3)} right (chance ${(1 / notes.length).toFixed(3)})`);
  await loaded.model.dispose();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
