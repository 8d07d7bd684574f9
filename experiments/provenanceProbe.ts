// Compares provenance's weightings (contribution, reads, specificity) and what a note owns (its
// written slots alone, or with its footprint): writes an eval set's notes and distractors with the
// writer, then ranks every question's prompt reads each way and prints provenance@1/@3. Reads are
// the prompt's (the question), as the chat pass sees them before it answers. idf comes from the
// checkpoint's citation statistics (the writer's background when it has none).
//
//   node --import tsx scripts/experiments/provenanceProbe.ts --set ../shared/eval/public [--limit 10] [--model DIR] [--settings '{"slots":256}']
//   ... --generated 200 --settings '{"maxSteps":0}'   (the capacity run's notes; no SGD: citations need only slots)

import { parseArgs } from 'node:util';
import { formatAnswerPrompt } from '../src/model/chatFormat';
import { loadEvalSet } from '../src/eval/evalSet';
import { generateCapacityNotes } from '../src/eval/capacityRun';
import { citeNotes, ProvenanceIndex, ProvenanceWeighting } from '../src/memory/citations/provenance';
import { slotIdfOf } from '../src/memory/rows/rowSelection';
import type { NoteId } from '../src/memory/note';
import { MemoryWriter } from '../src/memory/rows/rowWriter';
import { CitationIndex } from '../src/memory/citations/citationIndex';
import { heldOutLoss, heldOutSample } from '../src/memory/keyed/heldOutLoss';
import { valueTableOf, writeRows } from '../src/memory/rows/valueTable';
import { describeModel, loadModel } from '../src/service/modelDirectory';

async function main(): Promise<void> {
  const { values: args } = parseArgs({ options: { set: { type: 'string', default: '../shared/eval/public' }, limit: { type: 'string', default: '10' }, model: { type: 'string', default: 'native/model' }, settings: { type: 'string', default: '{}' }, generated: { type: 'string' } } });
  const generated = args.generated ? generateCapacityNotes(Number(args.generated)) : null;
  const set = generated ? { notes: generated.notes, distractors: [], questions: generated.questions } : loadEvalSet(args.set!);
  const limit = generated ? generated.notes.length : Number(args.limit);
  const loaded = loadModel(describeModel(args.model!));
  const writer = new MemoryWriter(loaded.model, loaded.tokenizer, loaded.background, { settings: JSON.parse(args.settings!), citationBackground: loaded.citationBackground });
  const table = valueTableOf(loaded.model);
  const index = new ProvenanceIndex();
  const cited = new CitationIndex(); // as the service keeps it
  const written: { id: NoteId; slots: number[]; footprint: number[] }[] = [];
  const sample = heldOutSample('native/model/heldout-sample.bin', loaded.model.config.contextLength);
  const lossBefore = await heldOutLoss(loaded.model, sample);
  const notes = [...set.notes.slice(0, limit), ...set.distractors.slice(0, limit)];
  for (const note of notes) {
    const write = await writer.train({ text: note.note, kind: note.kind });
    writeRows(table, write.slots, write.next);
    index.addWrite(note.id as NoteId, write.slots, write.prev, write.next, table.rowWidth);
    written.push({ id: note.id as NoteId, slots: write.slots, footprint: write.footprint });
    process.stderr.write(`wrote ${note.id}\n`);
  }
  const lossAfter = await heldOutLoss(loaded.model, sample);
  console.log(`forgetting ${((lossAfter - lossBefore) / lossBefore).toFixed(4)} (held-out ${lossBefore.toFixed(4)} -> ${lossAfter.toFixed(4)})`);
  const slotIdf = slotIdfOf(loaded.citationBackground);
  const rankings: { name: string; weighting: ProvenanceWeighting; ownership: ReturnType<ProvenanceIndex['ownership']> }[] = [
    ...(['contribution', 'reads', 'specificity'] as const).map((weighting) => ({ name: weighting, weighting, ownership: index.ownership() })),
    { name: 'specificity+footprint', weighting: 'specificity', ownership: (cited.sync(written), cited.ownership()) },
  ];
  const hits = Object.fromEntries(rankings.map((k) => [k.name, { at1: 0, at3: 0 }]));
  const byStyle: Record<string, Record<string, number>> = {};
  const questions = set.questions.filter((q) => set.notes.slice(0, limit).some((n) => n.id === q.note));
  for (const question of questions) {
    const prompt = formatAnswerPrompt(loaded.tokenizer, { notes: [], question: question.question });
    const T = prompt.length;
    const { reads } = await loaded.model.memoryAddress(BigInt64Array.from(prompt, BigInt), 1, T);
    for (const { name, weighting, ownership } of rankings) {
      const ranked = citeNotes(reads, ownership, { weighting, slotIdf }).map((cited) => cited.note as string);
      if (ranked[0] === question.note) {
        hits[name]!.at1++;
        const styles = (byStyle[name] ??= {});
        styles[question.style] = (styles[question.style] ?? 0) + 1;
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
