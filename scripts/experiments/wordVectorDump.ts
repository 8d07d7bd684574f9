// Dumps what scripts/experiments/wordVectorProbe.py needs to measure corpus word vectors as a note
// key (issue 17 part 3): every corpus document (train + qa) as its bm25Terms on one line, and the
// eval sets' notes, distractors, questions and unanswerable questions as terms with the shipped
// word idf (wordBag.ts).
//
//   node --import tsx scripts/experiments/wordVectorDump.ts CORPUS_DIR OUT_DIR SET_DIR...
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bm25Terms } from '../../src/memory/bm25';
import { loadEvalSet } from '../../src/memory/eval/evalSet';
import { inverseDocumentFrequency } from '../../src/memory/wordBag';
import { loadCheckpoint } from '../../src/model/checkpoint';
import { readCorpusSplit } from '../../src/model/corpusReader';
import { SpecialToken } from '../../src/model/specialTokens';
import { loadTokenizer } from '../../src/model/tokenizer';

const [corpusDir, outDir, ...sets] = process.argv.slice(2);
const tokenizer = loadTokenizer();
const out = fs.openSync(path.join(outDir!, 'corpus-terms.txt'), 'w');
let documents = 0;
for (const split of ['train', 'qa'] as const) {
  const tokens = readCorpusSplit(corpusDir!, split);
  let start = 0;
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i] !== SpecialToken.endOfText) continue;
    const text = tokenizer.decode(tokens.subarray(start, i));
    start = i + 1;
    const terms = bm25Terms(text);
    if (terms.length > 0) fs.writeSync(out, terms.join(' ') + '\n');
    documents++;
  }
}
fs.closeSync(out);
const background = loadCheckpoint('native/model').noteSlotBackground!;
const words = { documents: background.documents, buckets: background.wordDocumentFrequency };
const item = (text: string) => {
  const terms = bm25Terms(text);
  return { text, terms, idf: terms.map((t) => inverseDocumentFrequency(words, t)) };
};
const evalData = sets.map((dir) => {
  const set = loadEvalSet(dir);
  return {
    name: set.name,
    notes: [...set.notes, ...set.distractors].map((n) => ({ id: n.id, asked: set.notes.includes(n), ...item(n.note) })),
    questions: set.questions.map((q) => ({ note: q.note, style: q.style, ...item(q.question) })),
    unanswerable: (set.unanswerable ?? []).map((u) => ({ style: u.style, ...item(u.question) })),
  };
});
fs.writeFileSync(path.join(outDir!, 'eval-terms.json'), JSON.stringify(evalData));
console.log(`${documents} documents, ${evalData.length} sets`);
