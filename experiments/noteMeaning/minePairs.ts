// Mines (question-like text, the passage that answers it) pairs from the corpus's documentation for
// the note-meaning table (README.md here): every markdown section of the installed npm packages'
// docs (held-out packages left out) and of Debian's Node.js API docs becomes (its heading, its
// prose and first code block). Sections of one document stay together, so training can use the
// document's other sections as hard negatives ("near" by construction). Also writes the eval sets'
// notes and questions as terms, and every term's idf under the shipped word frequencies.
//
//   node --import tsx experiments/noteMeaning/minePairs.ts CORPUS_CACHE OUT_DIR SET_DIR...
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { indexTerms } from '../../src/memory/text/words';
import { inverseDocumentFrequency } from '../../src/memory/keyed/wordBag';
import { loadEvalSet } from '../../src/eval/evalSet';
import { loadCheckpoint } from '../../src/model/checkpoint';
import { HELD_OUT_PACKAGES } from '../../scripts/corpus/corpusConfig';
import { markdownSections } from '../../scripts/corpus/docQuestions';

const [cacheDir, outDir, ...sets] = process.argv.slice(2);
if (!cacheDir || !outDir) throw new Error('usage: minePairs.ts CORPUS_CACHE OUT_DIR SET_DIR...');
fs.mkdirSync(outDir, { recursive: true });
const MAX_PASSAGE_TERMS = 160;

function* markdownFiles(dir: string): Generator<string> {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = path.join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) yield* markdownFiles(full);
    else if (/\.md(\.gz)?$/i.test(entry.name)) yield full;
  }
}

function packageOf(file: string, root: string): string {
  const parts = path.relative(root, file).split(path.sep);
  // The innermost package (node_modules may nest).
  const i = parts.lastIndexOf('node_modules');
  const rest = i >= 0 ? parts.slice(i + 1) : parts;
  return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
}

const vocabulary = new Set<string>();
const terms = (text: string): string[] => {
  const t = indexTerms(text);
  for (const w of t) vocabulary.add(w);
  return t;
};

const out = fs.openSync(path.join(outDir, 'pairs.jsonl'), 'w');
let documents = 0;
let pairs = 0;
const npmRoot = path.join(cacheDir, 'npm', 'node_modules');
const roots = [
  npmRoot,
  ...fs
    .readdirSync(path.join(cacheDir, 'debian'))
    .map(d => path.join(cacheDir, 'debian', d))
    .filter(d => fs.statSync(d).isDirectory()),
];
const seen = new Set<string>();
for (const root of roots) {
  for (const file of markdownFiles(root)) {
    const pkg = root === npmRoot ? packageOf(file, root) : 'nodejs-doc';
    if (HELD_OUT_PACKAGES.includes(pkg) || /changelog|history|license/i.test(path.basename(file))) continue;
    const raw = fs.readFileSync(file);
    const text = (file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
    if (seen.has(text)) continue;
    seen.add(text);
    const sections = markdownSections(text)
      .map(s => ({
        q: terms(s.heading),
        p: terms([...s.paragraphs.slice(0, 3), s.codeBlocks[0] ?? ''].join('\n')).slice(0, MAX_PASSAGE_TERMS),
      }))
      .filter(s => s.q.length > 0 && s.p.length >= 5);
    if (sections.length < 2) continue;
    fs.writeSync(out, JSON.stringify({ pkg, file: path.relative(cacheDir, file), sections }) + '\n');
    documents++;
    pairs += sections.length;
  }
}
fs.closeSync(out);

const evalData = sets.map(dir => {
  const set = loadEvalSet(dir);
  return {
    name: set.name,
    notes: [...set.notes, ...set.distractors].map(n => ({ id: n.id, asked: set.notes.includes(n), text: n.note, terms: terms(n.note) })),
    questions: set.questions.map(q => ({ note: q.note, style: q.style, text: q.question, terms: terms(q.question) })),
    unanswerable: (set.unanswerable ?? []).map(u => ({ style: u.style, text: u.question, terms: terms(u.question) })),
  };
});
fs.writeFileSync(path.join(outDir, 'eval-terms.json'), JSON.stringify(evalData));

const background = loadCheckpoint('native/model').noteSlotBackground!;
const words = { documents: background.documents, buckets: background.wordDocumentFrequency };
fs.writeFileSync(
  path.join(outDir, 'idf.json'),
  JSON.stringify(Object.fromEntries([...vocabulary].sort().map(w => [w, inverseDocumentFrequency(words, w)]))),
);
console.log(`${documents} documents, ${pairs} sections, ${vocabulary.size} terms, ${evalData.length} eval sets`);
