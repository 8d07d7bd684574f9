// Diagnostic: spanCopy.ts's ranking on the public completion probes (gate from the shipped word
// frequencies, no writes needed): the chosen span, its score, and the expected span's rank.
//
//   node --import tsx scripts/experiments/spanRankDiag.ts
import { loadCheckpoint } from '../../src/model/checkpoint';
import { loadEvalSet } from '../../src/memory/eval/evalSet';
import { completionFilePath } from '../../src/memory/eval/completionFilePath';
import { NoteSlotMemory } from '../../src/memory/noteSlots';
import type { NoteId } from '../../src/memory/note';
import { noteBag, wordBag } from '../../src/memory/wordBag';
import { defaultSpanCopySettings, indexNoteSpans, rankSpans } from '../../src/memory/spanCopy';
import { LanguageModel } from '../../src/model/languageModel';
import { loadTokenizer } from '../../src/model/tokenizer';
import { codePrompt } from '../../src/service/completionPath';

const tokenizer = loadTokenizer();
async function fit(model: LanguageModel, filePath: string, prefix: string, span: string): Promise<{ first: number; mean: number; rank: number }> {
  const prompt = codePrompt(tokenizer, filePath, prefix, 256);
  const head = prompt.slice(0, prompt.length - tokenizer.encode(prefix.split('\n').slice(-1)[0]! ).length);
  const full = [...head, ...tokenizer.encode(prefix.split('\n').slice(-1)[0]! + span)];
  let k = 0;
  while (k < prompt.length && full[k] === prompt[k]) k++;
  const cache = model.newCache();
  let out = await model.extend(cache, full.slice(0, k));
  let total = 0, first = 0, rank = 0;
  for (let i = k; i < full.length; i++) {
    const l = out.logits; let max = -Infinity; for (const v of l) max = Math.max(max, v);
    let sum = 0; for (const v of l) sum += Math.exp(v - max);
    const lp = l[full[i]!]! - max - Math.log(sum);
    if (i === k) { first = lp; for (const v of l) if (v > l[full[i]!]!) rank++; }
    total += lp;
    if (i + 1 < full.length) out = await model.extend(cache, [full[i]!]);
  }
  return { first, mean: total / (full.length - k), rank };
}

const checkpoint = loadCheckpoint('native/model');
const background = checkpoint.noteSlotBackground!;
const words = { documents: background.documents, buckets: background.wordDocumentFrequency };
const C = checkpoint.manifest.config.dModel;
const memory = new NoteSlotMemory(words, { finalNormWeight: new Float32Array(C).fill(1), normEps: 1e-5, stateCentre: new Float32Array(C) });
const set = loadEvalSet(process.env.SET ?? '../shared/eval/public');
const all = [...set.notes, ...set.distractors];
const spanIndex = new Map(all.map((n) => [n.id, indexNoteSpans(n.id as NoteId, n.note)]));
for (const n of all) memory.set({ id: n.id as NoteId, ...noteBag(words, n.note), count: 0, keys: new Float32Array(0), values: new Float32Array(0) });
const settings = { ...defaultSpanCopySettings, ...JSON.parse(process.env.SETTINGS ?? '{}') };
async function main(): Promise<void> {
const model = new LanguageModel(checkpoint.manifest.config, checkpoint.parameters);
let copied = 0, right = 0, top1 = 0;
for (const probe of set.completions) {
  if (process.env.ONLY && !process.env.ONLY.split(',').includes(probe.note)) continue;
  const gates = memory.gates(wordBag(words, `${completionFilePath(probe.language)}\n${probe.prefix}`), (process.env.PURPOSE ?? 'chat') as 'chat' | 'code');
  const notes = [...gates].map(([id, gate]) => ({ index: spanIndex.get(id)!, gate }));
  const ranked = rankSpans(notes, probe.prefix, words, settings, process.env.NOFILE ? "" : completionFilePath(probe.language));
  const rank = ranked.findIndex((s) => s.note === probe.note && (s.text.startsWith(probe.expected) || probe.expected.startsWith(s.text)));
  const best = ranked[0];
  const copies = !!best && best.score >= settings.threshold;
  const ok = rank === 0;
  if (ok) top1++;
  if (copies) copied++;
  if (copies && ok) right++;
  const f = best ? await fit(model, completionFilePath(probe.language), probe.prefix, best.text) : null;
  if (process.env.TOP) console.log('gates', [...gates].map(([id, g]) => `${id} ${g.toFixed(2)}`).join(', '));
  console.log(`${f ? `first ${f.first.toFixed(1)} r${f.rank} mean ${f.mean.toFixed(1)}` : ''} ${probe.note} ${copies ? (ok ? 'COPY ok ' : 'COPY bad') : 'no copy '} expected ${JSON.stringify(probe.expected)} rank ${rank} | ${ranked.slice(0, Number(process.env.TOP ?? 3)).map((s) => `${s.note}:${s.text} ${s.score.toFixed(2)}`).join(', ')}`);
}
console.log(`top-1 right ${top1}/${set.completions.length}; copies ${copied}, right ${right}`);
// The ranking's own cost per completion (gates excluded), median of 9 rounds over every probe.
const gated = set.completions.map((probe) => ({ probe, notes: [...memory.gates(wordBag(words, `${completionFilePath(probe.language)}\n${probe.prefix}`), 'chat')].map(([id, gate]) => ({ index: spanIndex.get(id)!, gate })) }));
const rounds: number[] = [];
for (let r = 0; r < 9; r++) {
  const started = performance.now();
  for (const { probe, notes } of gated) rankSpans(notes, probe.prefix, words, settings, completionFilePath(probe.language));
  rounds.push((performance.now() - started) / gated.length);
}
console.log(`ranking ${rounds.sort((a, b) => a - b)[4]!.toFixed(3)} ms per completion`);
}
void main();
