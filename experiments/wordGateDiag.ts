// Diagnostic: how well a word-level tf-idf bag of a question or code prefix (wordBag.ts's words,
// idf from the shipped model's word frequencies) picks its note, against background code prefixes'
// best match (every 40th document of the corpus's first --tokens of train.bin).
// IDF_MODE=notes|product|sum: idf over the stored notes instead of, times, or plus the corpus's.
//
//   node --import tsx scripts/experiments/wordGateDiag.ts   (needs corpus/train.bin)
import * as path from 'node:path';
import { loadCheckpoint } from '../src/model/checkpoint';
import { readTokenFile } from '../src/model/corpusReader';
import { loadTokenizer } from '../src/model/tokenizer';
import { SpecialToken } from '../src/model/specialTokens';
import { bm25Terms } from '../src/memory/keyed/bm25';
import { loadEvalSet } from '../src/eval/evalSet';
import { bagCosine, countWords as countWordsAsIs, inverseDocumentFrequency } from '../src/memory/keyed/wordBag';

// STEM=1: words reduced by a light suffix stemmer before counting (notes, questions and prefixes alike).
const stem = (t: string) => (t.length <= 4 ? t : t.replace(/(?:ies)$/, 'y').replace(/(?:ing|ed|es|s)$/, ''));
function countWords(text: string): Map<string, number> {
  const counts = countWordsAsIs(text);
  if (process.env.STEM !== '1') return counts;
  const out = new Map<string, number>();
  for (const [t, c] of counts) out.set(stem(t), (out.get(stem(t)) ?? 0) + c);
  return out;
}

const tokenizer = loadTokenizer();
const background = loadCheckpoint('native/model').noteSlotBackground!;
const frequencies = { documents: background.documents, buckets: background.wordDocumentFrequency };
const tokens = readTokenFile(path.join('corpus', 'train.bin')).subarray(0, Number(process.env.CORPUS ?? 8_000_000));
const backgroundDocs: string[] = [];
let docs = 0;
let start = 0;
for (let i = 0; i < tokens.length; i++) {
  if (tokens[i] !== SpecialToken.endOfText) continue;
  if (++docs % 40 === 0) backgroundDocs.push(tokenizer.decode(tokens.subarray(start, i)).slice(0, 1500));
  start = i + 1;
}
const corpusIdf = (t: string) => inverseDocumentFrequency(frequencies, t);
const noteDf = new Map<string, number>();
let noteCount = 0;
const noteIdf = (t: string) => Math.log((noteCount - (noteDf.get(t) ?? 0) + 0.5) / ((noteDf.get(t) ?? 0) + 0.5) + 1);
const idf = (t: string) => {
  switch (process.env.IDF_MODE) {
    case 'notes': return noteIdf(t);
    case 'product': return corpusIdf(t) * noteIdf(t);
    case 'sum': return corpusIdf(t) + noteIdf(t);
    default: return corpusIdf(t);
  }
};
function bag(text: string): Map<string, number> {
  const v = new Map<string, number>();
  let n = 0;
  for (const [t, c] of countWords(text)) { const w = c * idf(t); if (w <= 0) continue; v.set(t, w); n += w * w; }
  n = Math.sqrt(n) || 1;
  for (const [t, w] of v) v.set(t, w / n);
  return v;
}
const cos = bagCosine;
const set = loadEvalSet('../shared/eval/public');
const all = [...set.notes, ...set.distractors];
for (const n of all) for (const t of new Set(bm25Terms(n.note))) noteDf.set(t, (noteDf.get(t) ?? 0) + 1);
noteCount = all.length;
// NORM_POWER=p: a note's key divided by its norm^p instead of its norm (p < 1 penalises long notes less).
const keys = all.map((n) => {
  const b = bag(n.note);
  const power = Number(process.env.NORM_POWER ?? 1);
  let squares = 0;
  const raw = new Map([...countWords(n.note)].map(([t, c]) => [t, c * idf(t)] as const).filter(([, w]) => w > 0));
  for (const w of raw.values()) squares += w * w;
  // SIZE_POWER=g: the unit key times (distinct words / 20)^g instead.
  const g = Number(process.env.SIZE_POWER ?? 0);
  if (g !== 0) return new Map([...b].map(([t, w]) => [t, w * (b.size / 20) ** g]));
  return power === 1 ? b : new Map([...raw].map(([t, w]) => [t, w / Math.sqrt(squares) ** power / 3 ** (1 - power)]));
});
const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor(p * (xs.length - 1))]!.toFixed(3);
const byStyle = new Map<string, { right: number[]; other: number[]; top1: number; top3: number }>();
for (const question of set.questions) {
  const b = bag(question.question);
  const scores = keys.map((k) => cos(b, k));
  const ri = all.findIndex((n) => n.id === question.note);
  const rank = scores.filter((s) => s > scores[ri]!).length;
  const e = byStyle.get(question.style) ?? { right: [], other: [], top1: 0, top3: 0 };
  e.right.push(scores[ri]!); e.other.push(Math.max(...scores.filter((_, i) => i !== ri)));
  if (rank === 0) e.top1++; if (rank < 3) e.top3++;
  byStyle.set(question.style, e);
}
console.log(`idf over ${frequencies.documents} documents (hashed); ${backgroundDocs.length} background documents`);
for (const [style, e] of byStyle) console.log(`${style}: top1 ${e.top1}/${e.right.length} top3 ${e.top3}; right q10/50/90 ${q(e.right, 0.1)} ${q(e.right, 0.5)} ${q(e.right, 0.9)}; best other ${q(e.other, 0.1)} ${q(e.other, 0.5)} ${q(e.other, 0.9)}`);
const maxes = backgroundDocs.map((d) => { const lines = d.split('\n'); const out: number[] = []; for (let i = 5; i <= lines.length; i += 5) { const b = bag(lines.slice(0, i).join('\n')); out.push(Math.max(...keys.map((k) => cos(b, k)))); } return out; }).flat();
console.log(`background prefixes: ${maxes.length}; max cos q50 ${q(maxes, 0.5)} q90 ${q(maxes, 0.9)} q99 ${q(maxes, 0.99)} max ${q(maxes, 1)}`);
let c1 = 0;
for (const c of set.completions) {
  const b = bag(c.prefix);
  const scores = keys.map((k) => cos(b, k));
  const ri = all.findIndex((n) => n.id === c.note);
  const other = Math.max(...scores.filter((_, i) => i !== ri));
  if (scores[ri]! > other) c1++;
}
console.log(`completions top1 ${c1}/${set.completions.length}`);
