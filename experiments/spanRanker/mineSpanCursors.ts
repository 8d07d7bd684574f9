// Mines completion cursors for the span ranker from the corpus's documentation: in every markdown
// file of the installed npm packages (held-out packages left out) and of Debian's Node.js docs, a
// prose paragraph followed by a fenced code block is a (note, code) pair, as a user's note and the
// code that uses it. Cursors in the code: where the code goes on with one of the note's spans
// (noteSpans.ts), a few characters into such a word, and at other places a person pauses
// (replayCursors.ts). The note is written beside 15 other documents' paragraphs, the keeper's gate
// picks among them, and every candidate span of the gated notes is written with its features
// (spanCopy.ts `rankSpans`) and whether the code really goes on with it.
//
//   node --import tsx experiments/spanRanker/mineSpanCursors.ts CORPUS_CACHE OUT.jsonl
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { HELD_OUT_PACKAGES } from '../../scripts/corpus/corpusConfig';
import { cleanMarkdownInline } from '../../scripts/corpus/docQuestions';
import { completionFilePath } from '../../src/eval/completionFilePath';
import { pausePlaces } from '../../src/eval/replayCursors';
import { indexNoteSpans, NoteSpanIndex, rankSpans } from '../../src/memory/copy/spanCopy';
import { NoteSlotMemory } from '../../src/memory/keyed/noteSlots';
import { noteBag, wordBag } from '../../src/memory/keyed/wordBag';
import type { NoteId } from '../../src/memory/note';
import { loadCheckpoint } from '../../src/model/checkpoint';
import { seededRandom } from '../../src/model/seededRandom';

const [cacheDir, outFile] = process.argv.slice(2);
if (!cacheDir || !outFile) throw new Error('usage: mineSpanCursors.ts CORPUS_CACHE OUT.jsonl');
const background = loadCheckpoint('native/model').noteSlotBackground!;
const words = { documents: background.documents, buckets: background.wordDocumentFrequency };
const basis = {
  finalNormWeight: new Float32Array(background.stateCentre.length).fill(1),
  normEps: 1e-5,
  stateCentre: background.stateCentre,
};
const random = seededRandom(20261207);
const shuffle = <T>(items: T[]): T[] => {
  for (let i = items.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
};
const NAME = /[\p{L}\p{N}_$]/u;

interface Pair {
  readonly pkg: string;
  readonly note: string;
  readonly code: string;
  readonly language: string;
}

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
  const i = parts.lastIndexOf('node_modules');
  const rest = i >= 0 ? parts.slice(i + 1) : parts;
  return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
}

/** Prose paragraphs directly followed by a fenced code block. */
function pairsOf(pkg: string, markdown: string): Pair[] {
  const pairs: Pair[] = [];
  let paragraph: string[] = [];
  let lastProse = '';
  let code: string[] | undefined;
  let language = '';
  const endParagraph = () => {
    const text = cleanMarkdownInline(paragraph.join(' '));
    if (text.length > 0) lastProse = text;
    paragraph = [];
  };
  for (const line of markdown.replace(/<!--[\s\S]*?-->/g, '').split(/\r?\n/)) {
    if (code !== undefined) {
      if (/^\s*(```|~~~)/.test(line)) {
        const text = code.join('\n');
        if (lastProse.length >= 40 && lastProse.length <= 500 && text.trim().length > 0 && code.length <= 60)
          pairs.push({ pkg, note: lastProse, code: text, language });
        code = undefined;
        lastProse = '';
      } else code.push(line);
      continue;
    }
    const fence = /^\s*(?:```|~~~)\s*([\w+#-]*)/.exec(line);
    if (fence) {
      endParagraph();
      code = [];
      language = fence[1]!.toLowerCase() || 'text';
      continue;
    }
    if (/^#{1,6}\s/.test(line)) {
      endParagraph();
      lastProse = '';
      continue;
    }
    if (line.trim() === '' || /^\s*([-*+|>]|\d+\.|<)/.test(line)) {
      endParagraph();
      continue;
    }
    paragraph.push(line.trim());
  }
  return pairs;
}

const pairs: Pair[] = [];
const npmRoot = path.join(cacheDir, 'npm', 'node_modules');
const roots = [
  npmRoot,
  ...fs
    .readdirSync(path.join(cacheDir, 'debian'))
    .map(d => path.join(cacheDir, 'debian', d))
    .filter(d => fs.statSync(d).isDirectory()),
];
const seen = new Set<string>();
for (const root of roots)
  for (const file of markdownFiles(root)) {
    const pkg = root === npmRoot ? packageOf(file, root) : 'nodejs-doc';
    if (HELD_OUT_PACKAGES.includes(pkg) || /changelog|history|license/i.test(path.basename(file))) continue;
    const raw = fs.readFileSync(file);
    const text = (file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
    if (seen.has(text)) continue;
    seen.add(text);
    pairs.push(...pairsOf(pkg, text));
  }
console.error(`${pairs.length} (note, code) pairs`);

/** Whether the code at `at` goes on with `span` as a whole part of a word. */
function goesOnWith(code: string, at: number, span: string): boolean {
  if (!code.startsWith(span, at)) return false;
  const after = code[at + span.length];
  return after === undefined || !NAME.test(after) || !NAME.test(span.at(-1)!);
}

const out = fs.openSync(outFile, 'w');
let cursors = 0;
let positives = 0;
const indexes = pairs.map((p, i) => indexNoteSpans(`n${i}` as NoteId, p.note));
const bags = pairs.map(p => noteBag(words, p.note));
for (let p = 0; p < pairs.length; p++) {
  const pair = pairs[p]!;
  const index = indexes[p]!;
  // The cursors: each of the note's spans where the code first goes on with it, as a whole word
  // (at most 3) and started (at most 1, 2-4 characters in); 3 other pause places.
  const chosen: { at: number; kind: string }[] = [];
  const spanTexts = [...new Set(index.spans.map(s => s.text))].filter(t => t.length >= 2);
  const whole: number[] = [];
  for (const text of spanTexts) {
    for (let at = pair.code.indexOf(text); at >= 0; at = pair.code.indexOf(text, at + 1)) {
      if ((at > 0 && NAME.test(pair.code[at - 1]!) && NAME.test(text[0]!)) || !goesOnWith(pair.code, at, text)) continue;
      whole.push(at);
      break;
    }
  }
  for (const at of shuffle([...new Set(whole)]).slice(0, 3)) chosen.push({ at, kind: 'span' });
  const long = whole.filter(at => /^[\p{L}\p{N}_$.]{8,}/u.test(pair.code.slice(at)));
  if (long.length > 0) chosen.push({ at: long[random.int(long.length)]! + 2 + random.int(3), kind: 'started' });
  const places = pausePlaces(pair.code);
  for (const place of shuffle([...places]).slice(0, 3)) chosen.push({ at: place.offset, kind: 'pause' });

  // The memory: this note and 15 others'.
  const others = new Set<number>();
  while (others.size < Math.min(15, pairs.length - 1)) {
    const o = random.int(pairs.length);
    if (o !== p && pairs[o]!.pkg !== pair.pkg) others.add(o);
  }
  const memory = new NoteSlotMemory(words, basis);
  const byId = new Map<string, NoteSpanIndex>();
  for (const i of [p, ...others]) {
    memory.set({ id: indexes[i]!.id, ...bags[i]!, count: 0, keys: new Float32Array(0), values: new Float32Array(0) });
    byId.set(indexes[i]!.id, indexes[i]!);
  }
  const filePath = completionFilePath(pair.language);
  for (const { at, kind } of chosen) {
    const prefix = pair.code.slice(0, at);
    const rest = pair.code.slice(at);
    const gates = memory.gates(wordBag(words, `${filePath}\n${prefix}`), 'chat');
    const notes = [...gates].map(([id, gate]) => ({ index: byId.get(id)!, gate }));
    const ranked = rankSpans(notes, prefix, words, { fileName: filePath });
    const candidates = ranked.slice(0, 40).map(c => ({
      text: c.text,
      own: c.note === index.id,
      y: goesOnWith(rest, 0, c.text) ? 1 : 0,
      hand: c.score,
      ...c.features,
    }));
    const y = candidates.some(c => c.y === 1);
    positives += y ? 1 : 0;
    cursors++;
    fs.writeSync(
      out,
      JSON.stringify({
        pair: p,
        pkg: pair.pkg,
        kind,
        language: pair.language,
        line: prefix.slice(prefix.lastIndexOf('\n') + 1),
        next: rest.slice(0, 40),
        inside: NAME.test(prefix.at(-1) ?? ' '),
        candidates,
      }) + '\n',
    );
  }
}
fs.closeSync(out);
console.error(`${cursors} cursors, ${positives} with a right candidate`);
