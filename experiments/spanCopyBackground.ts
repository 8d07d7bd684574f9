// Diagnostic: how often spanCopy.ts would copy a note's span into ordinary code. The public set's 45
// notes are the memory; cursors are cut at random points of every 40th corpus document (the first
// --tokens of train.bin), and a copy there is a false one.
//
//   node --import tsx scripts/experiments/spanCopyBackground.ts   (needs corpus/train.bin)
import * as path from 'node:path';
import { loadCheckpoint } from '../src/model/checkpoint';
import { readTokenFile } from '../src/model/corpusReader';
import { loadTokenizer } from '../src/model/tokenizer';
import { SpecialToken } from '../src/model/specialTokens';
import { loadEvalSet } from '../src/eval/evalSet';
import { NoteSlotMemory } from '../src/memory/keyed/noteSlots';
import type { NoteId } from '../src/memory/note';
import { noteBag, wordBag } from '../src/memory/keyed/wordBag';
import { defaultSpanCopySettings, indexNoteSpans, rankSpans } from '../src/memory/copy/spanCopy';
import { seededRandom } from '../src/model/seededRandom';

const tokenizer = loadTokenizer();
const checkpoint = loadCheckpoint('native/model');
const background = checkpoint.noteSlotBackground!;
const words = { documents: background.documents, buckets: background.wordDocumentFrequency };
const C = checkpoint.manifest.config.dModel;
const memory = new NoteSlotMemory(words, { finalNormWeight: new Float32Array(C).fill(1), normEps: 1e-5, stateCentre: new Float32Array(C) });
const set = loadEvalSet('../shared/eval/public');
const all = [...set.notes, ...set.distractors];
const spanIndex = new Map(all.map((n) => [n.id, indexNoteSpans(n.id as NoteId, n.note)]));
for (const n of all) memory.set({ id: n.id as NoteId, ...noteBag(words, n.note), count: 0, keys: new Float32Array(0), values: new Float32Array(0) });
const settings = { ...defaultSpanCopySettings, ...JSON.parse(process.env.SETTINGS ?? '{}') };
const tokens = readTokenFile(path.join('corpus', 'train.bin')).subarray(0, Number(process.env.CORPUS ?? 8_000_000));
const random = seededRandom(7);
let cursors = 0;
const scores: number[] = [];
let docs = 0, start = 0;
for (let i = 0; i < tokens.length; i++) {
  if (tokens[i] !== SpecialToken.endOfText) continue;
  if (++docs % 40 === 0) {
    const doc = tokenizer.decode(tokens.subarray(start, i));
    const newline = doc.indexOf('\n');
    const filePath = doc.slice(0, newline);
    const body = doc.slice(newline + 1);
    for (let k = 0; k < 3 && body.length > 50; k++) {
      const cut = 20 + Math.floor(random.next() * (body.length - 20));
      const prefix = body.slice(Math.max(0, cut - 2000), cut);
      const gates = memory.gates(wordBag(words, `${filePath}\n${prefix}`), 'chat');
      const ranked = rankSpans([...gates].map(([id, gate]) => ({ index: spanIndex.get(id)!, gate })), prefix, words, settings, filePath);
      cursors++;
      scores.push(ranked[0]?.score ?? 0);
      if ((ranked[0]?.score ?? 0) >= settings.threshold) console.log(`copy ${ranked[0]!.note}:${ranked[0]!.text} ${ranked[0]!.score.toFixed(2)} at ${JSON.stringify(prefix.slice(-60))}`);
    }
  }
  start = i + 1;
}
scores.sort((a, b) => a - b);
const q = (p: number) => scores[Math.floor(p * (scores.length - 1))]!.toFixed(2);
console.log(`${cursors} cursors; copies at threshold ${settings.threshold}: ${scores.filter((s) => s >= settings.threshold).length}; top score q50 ${q(0.5)} q90 ${q(0.9)} q99 ${q(0.99)} max ${q(1)}`);
