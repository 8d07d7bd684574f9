// Tries footprint variants offline: for every note (and distractor) the footprint from its training
// sequences (as shipped) or from those plus other renderings of the note (lowercased; as a chat
// question; both); every question's prompt reads ranked as the service ranks them; prints
// provenance@1/@3 per variant. No SGD (citations need only addresses), so a run over hundreds of
// notes takes minutes. (Weighting claims by the note's own read weight, crediting every slot the
// note read, and cosine were tried here too and lost: src/memory/README.md.)
//
//   node --import tsx scripts/experiments/citationScoring.ts [--set DIR | --generated N] [--model DIR]

import { parseArgs } from 'node:util';
import { formatAnswerPrompt } from '../src/model/chatFormat';
import { loadEvalSet } from '../src/eval/evalSet';
import { generateCapacityNotes } from '../src/eval/capacityRun';
import { countSlotAccesses, slotIdfOf } from '../src/memory/rows/rowSelection';
import { defaultWriterSettings, MemoryWriter } from '../src/memory/rows/rowWriter';
import { encodeTrainingSequence } from '../src/memory/intake/trainingSequence';
import { valueTableOf } from '../src/memory/rows/valueTable';
import { describeModel, loadModel } from '../src/service/modelDirectory';

/** One note's claim on one slot: a bit per footprint variant that owns it. */
interface Posting {
  readonly note: number;
  readonly variants: number;
}

/** Extra texts whose reads count towards a footprint, on top of the note's training sequences. */
type QueryVariant = 'asked' | '+lower' | '+lower+file' | '+lower+plain';
type Source = 'lowercase' | 'lowercase6' | 'asQuestion' | 'asQuestionLower' | 'fileLower' | 'plainQuestion' | 'plain';
/** A footprint variant: the extra sources, and alpha: scores divided by (sum of idf^2 over the
 *  note's owned slots)^alpha, so a note owning many specific slots does not win every question. */
const variants: Record<string, { readonly sources: readonly Source[]; readonly alpha?: number }> = {
  shipped: { sources: [] },
  '+lowercase': { sources: ['lowercase'] },
  '+asQuestion': { sources: ['asQuestion'] },
  '+asQuestion+lower': { sources: ['asQuestion', 'asQuestionLower'] },
  '+all': { sources: ['lowercase', 'asQuestion', 'asQuestionLower'] },
  '+asQuestion+lower+fileLower': { sources: ['asQuestion', 'asQuestionLower', 'fileLower'] },
  '+all, 6 lowercased sequences': { sources: ['lowercase6', 'asQuestion', 'asQuestionLower'] },
  '+all+plainQuestion': { sources: ['lowercase', 'asQuestion', 'asQuestionLower', 'plainQuestion'] },
  '+all+plain': { sources: ['lowercase', 'asQuestion', 'asQuestionLower', 'plainQuestion', 'plain'] },
  '+all /norm^0.25': { sources: ['lowercase', 'asQuestion', 'asQuestionLower'], alpha: 0.25 },
  '+all /norm^0.5': { sources: ['lowercase', 'asQuestion', 'asQuestionLower'], alpha: 0.5 },
  '+all /norm^1': { sources: ['lowercase', 'asQuestion', 'asQuestionLower'], alpha: 1 },
};

/** Lowercased, without possessives and punctuation other than inside names (a.b, a_b, a-b). */
function plainText(text: string): string {
  return text
    .toLowerCase()
    .replace(/'s\b/g, '')
    .replace(/[^\p{L}\p{N}_.\s-]/gu, ' ')
    .replace(/[.-](?=\s|$)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({ options: { set: { type: 'string', default: '../shared/eval/public' }, model: { type: 'string', default: 'native/model' }, generated: { type: 'string' }, failures: { type: 'string' } } });
  const generated = args.generated ? generateCapacityNotes(Number(args.generated)) : null;
  const set = generated ? { notes: generated.notes, distractors: [], questions: generated.questions } : loadEvalSet(args.set!);
  const loaded = loadModel(describeModel(args.model!));
  const writer = new MemoryWriter(loaded.model, loaded.tokenizer, loaded.background, { settings: { maxSteps: 0 }, citationBackground: loaded.citationBackground });
  const slotCount = valueTableOf(loaded.model).slotCount;
  const idf = slotIdfOf(loaded.citationBackground);
  const names = Object.keys(variants);
  const norms: Record<string, number[]> = {};
  const noteIds: string[] = [];
  const postings = new Map<number, Posting[]>();
  const tokenCounts = async (ids: readonly number[]) => {
    const { reads } = await loaded.model.memoryAddress(BigInt64Array.from(ids, BigInt), 1, ids.length);
    return countSlotAccesses(reads, slotCount, { mode: 'weight' });
  };
  const promptCounts = (text: string) => tokenCounts(formatAnswerPrompt(loaded.tokenizer, { notes: [], question: text }));
  for (const note of [...set.notes, ...set.distractors]) {
    const write = await writer.train({ text: note.note, kind: note.kind });
    const { reads, used } = await writer.addressOf({ text: note.note, kind: note.kind });
    const lower = await writer.addressOf({ text: note.note.toLowerCase(), kind: note.kind });
    const counts: Record<'base' | Source, Float64Array> = {
      base: countSlotAccesses(reads, slotCount, { mode: 'weight', positions: used }),
      lowercase: countSlotAccesses(lower.reads, slotCount, { mode: 'weight', positions: lower.used }),
      lowercase6: await (async () => {
        const six = await writer.addressOf({ text: note.note.toLowerCase(), kind: note.kind }, { ...defaultWriterSettings, minSequences: 6, maxSequences: 6 });
        return countSlotAccesses(six.reads, slotCount, { mode: 'weight', positions: six.used });
      })(),
      asQuestion: await promptCounts(note.note),
      asQuestionLower: await promptCounts(note.note.toLowerCase()),
      plainQuestion: await promptCounts(plainText(note.note)),
      plain: await (async () => {
        const p = await writer.addressOf({ text: plainText(note.note), kind: note.kind });
        return countSlotAccesses(p.reads, slotCount, { mode: 'weight', positions: p.used });
      })(),
      fileLower: await tokenCounts(encodeTrainingSequence(loaded.tokenizer, { form: 'note', layout: 'file', path: 'NOTES.md', contents: `${note.note.toLowerCase()}\n` })),
    };
    const bits = new Int32Array(slotCount);
    names.forEach((name, v) => {
      const sum = counts.base.slice();
      for (const source of variants[name]!.sources) counts[source].forEach((c, s) => (sum[s]! += c));
      const top = [...sum.keys()].filter((s) => sum[s]! > 0).sort((a, b) => sum[b]! * idf(b) - sum[a]! * idf(a)).slice(0, 2048);
      const owned = new Set([...top, ...write.slots]);
      for (const s of owned) bits[s]! |= 1 << v;
      let norm = 0;
      for (const s of owned) norm += idf(s) ** 2;
      (norms[name] ??= []).push(norm);
    });
    bits.forEach((b, s) => {
      if (b === 0) return;
      const list = postings.get(s) ?? [];
      list.push({ note: noteIds.length, variants: b });
      postings.set(s, list);
    });
    noteIds.push(note.id);
    if (noteIds.length % 100 === 0) process.stderr.write(`${noteIds.length} notes addressed\n`);
  }
  const hits: Record<string, { at1: number; at3: number; byStyle: Record<string, number> }> = {};
  // Up to 200 questions spread over the whole set (the capacity run asks old and new notes alike).
  const every = Math.max(1, Math.floor(set.questions.length / 200));
  const questions = generated ? set.questions.filter((_, i) => i % every === 0).slice(0, 200) : set.questions;
  for (const question of questions) {
    const asked = await promptCounts(question.question);
    const askedLower = await promptCounts(question.question.toLowerCase());
    const askedFile = await tokenCounts(encodeTrainingSequence(loaded.tokenizer, { form: 'note', layout: 'file', path: 'NOTES.md', contents: `${question.question}\n` }));
    const queries: Record<QueryVariant, Float64Array> = {
      asked,
      '+lower': asked.map((w, s) => w + askedLower[s]!),
      '+lower+file': asked.map((w, s) => w + askedLower[s]! + askedFile[s]!),
      '+lower+plain': await (async () => {
        const plain = await promptCounts(plainText(question.question));
        return asked.map((w, s) => w + askedLower[s]! + plain[s]!);
      })(),
    };
    for (const [qv, q] of Object.entries(queries)) names.forEach((name0, v) => {
      if (qv !== 'asked' && !name0.startsWith('+all') && name0 !== 'shipped') return;
      const name = qv === 'asked' ? name0 : `${name0} q${qv}`;
      hits[name] ??= { at1: 0, at3: 0, byStyle: {} };
      // As shipped: sqrt of the summed read weight times idf squared, over the slots a note owns.
      const scores = new Float64Array(noteIds.length);
      q.forEach((w, slot) => {
        if (w <= 0) return;
        const credit = Math.sqrt(w) * idf(slot) ** 2;
        for (const p of postings.get(slot) ?? []) if (p.variants & (1 << v)) scores[p.note]! += credit;
      });
      const alpha = variants[name0]!.alpha ?? 0;
      if (alpha > 0) scores.forEach((score, i) => (scores[i] = score / norms[name0]![i]! ** alpha));
      const ranked = [...scores.keys()].sort((a, b) => scores[b]! - scores[a]!).slice(0, 3).map((i) => noteIds[i]!);
      const h = hits[name]!;
      if (ranked[0] === question.note) {
        h.at1++;
        h.byStyle[question.style] = (h.byStyle[question.style] ?? 0) + 1;
      }
      if (ranked.includes(question.note)) h.at3++;
      if (args.failures === name && ranked[0] !== question.note) {
        const rank = [...scores.keys()].sort((a, b) => scores[b]! - scores[a]!).findIndex((i) => noteIds[i] === question.note) + 1;
        console.log(`[${question.style}] ${question.note} at ${rank}, top ${ranked.join(',')}: ${question.question}`);
      }
    });
  }
  for (const [name, h] of Object.entries(hits)) console.log(`${name.padEnd(16)} p@1 ${(h.at1 / questions.length).toFixed(3)} p@3 ${(h.at3 / questions.length).toFixed(3)} ${JSON.stringify(h.byStyle)}`);
  await writer.dispose();
  await loaded.model.dispose();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
