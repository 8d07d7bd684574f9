// Diagnostic: one note's keyed slots, written alone, then its recital teacher-forced after one of
// its eval questions: prints the write's loss at each step (a full-vocabulary step shows what the
// sampled steps hid) and every answer position whose greedy token is not the note's, with the slot
// it read. This is where the "intruder" tokens of session 8 were found (" busy" -> " danger").
//
//   NOTE=p004 STYLE=direct STEPS=40 LR=0.5 node --import tsx scripts/experiments/slotRecitationDiag.ts
import { describeModel, loadModel } from '../src/service/modelDirectory';
import { defaultSlotWriterSettings, writeNoteSlots } from '../src/memory/keyed/slotWriter';
import { prefixBags } from '../src/memory/keyed/prefixWords';
import { formatAnswerPrompt } from '../src/model/chatFormat';
import { loadEvalSet } from '../src/eval/evalSet';
import { toNoteId } from '../src/memory/note';
async function main() {
  const loaded = loadModel(describeModel('native/model'));
  const { model, tokenizer } = loaded;
  const memory = loaded.noteSlots!;
  const set = loadEvalSet(process.env.SET ?? '../shared/eval/public');
  const id = process.env.NOTE ?? 'p004';
  const note = set.notes.find((n) => n.id === id)!;
  const res = await writeNoteSlots(model, tokenizer, memory, { id: toNoteId(id), text: note.note }, { ...defaultSlotWriterSettings, steps: Number(process.env.STEPS ?? defaultSlotWriterSettings.steps), learningRate: Number(process.env.LR ?? defaultSlotWriterSettings.learningRate) });
  console.log('losses', res.losses.map((l) => l.toFixed(2)).join(' '), 'rows', res.rows);
  const q = set.questions.find((x) => x.note === id && x.style === (process.env.STYLE ?? 'direct'))!;
  const prompt = formatAnswerPrompt(tokenizer, { notes: [], question: q.question });
  const answer = tokenizer.encode(note.note);
  const ids = [...prompt, ...answer];
  const states = await model.finalStates(ids);
  const bags = prefixBags(tokenizer, memory.words, ids);
  const C = memory.width;
  let line = '';
  for (let t = prompt.length - 1; t < ids.length - 1; t++) {
    const read = memory.read(bags[t]!, states, t, 'chat');
    const logits = await model.logitsOfStates(states.slice(t * C, (t + 1) * C), read.output);
    let best = 0; for (let i = 0; i < logits.length; i++) if (logits[i]! > logits[best]!) best = i;
    const target = ids[t + 1]!;
    const top = read.reads.reduce((a, b) => (b.weight > a.weight ? b : a), { slot: -1, weight: 0 } as any);
    if (best !== target) line += `[${tokenizer.decode([target])}->${tokenizer.decode([best])} slot ${top.slot}@${top.weight.toFixed(2)} pos ${t - prompt.length + 1}]`;
    else line += tokenizer.decode([target]);
  }
  console.log(line);
}
main();
