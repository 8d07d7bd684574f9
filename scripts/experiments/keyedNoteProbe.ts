// Prototype: a keyed note memory at the model's output, measured on an eval set before it is built
// into the model. Each note owns its own slots: a lexical key (its idf-weighted bag of tokens,
// randomly projected) gates the note, and per-slot state keys (the final states of the note's own
// answer positions) pick the slot within it; a sink score keeps text that matches no note from
// reading anything. Values start at zero and are fitted by gradient steps on the note's rows only.
// Everything below the memory is the shipped model, frozen, so its states are computed once.
//
//   node --import tsx scripts/experiments/keyedNoteProbe.ts --set ../shared/eval/public [--limit N]

import { parseArgs } from 'node:util';
import * as path from 'node:path';
import { GraphBuilder, Session, exportOnnx, grad, ortRuntime } from '../../src/engine';
import { LanguageModel } from '../../src/model/languageModel';
import { loadTokenizer } from '../../src/model/tokenizer';
import { declareParameters, embed, runBlocks, causalMask, rotaryTables, logitsOf, crossEntropy } from '../../src/model/transformer';
import { headSize } from '../../src/model/config';
import { parameterNames } from '../../src/model/parameters';
import { formatAnswerPrompt, formatCompletionPrompt } from '../../src/model/chatFormat';
import { SpecialToken, isSpecialToken } from '../../src/model/specialTokens';
import { readTokenFile } from '../../src/model/corpusReader';
import { augmentNote } from '../../src/memory/augment';
import { encodeTrainingSequence, lossStart } from '../../src/memory/trainingSequence';
import { loadEvalSet, EvalNote } from '../../src/memory/eval/evalSet';
import { runSubject, limitSet, EvalSubject, SubjectAnswer } from '../../src/memory/eval/evalRunner';
import { scoreMethod } from '../../src/memory/eval/evalScore';
import { completionFilePath } from '../../src/memory/eval/completionFilePath';
import { heldOutSample } from '../../src/memory/eval/heldOutLoss';
import { bm25Terms } from '../../src/memory/bm25';

const { values: args } = parseArgs({
  options: {
    set: { type: 'string', default: '../shared/eval/public' },
    model: { type: 'string', default: 'native/model' },
    limit: { type: 'string' },
    lexBeta: { type: 'string', default: '20' },
    tau: { type: 'string', default: '0.2' },
    hardTau: { type: 'string', default: '0.12' },
    forms: { type: 'string', default: 'note,qa' },
    stateBeta: { type: 'string', default: '20' },
    steps: { type: 'string', default: '20' },
    lr: { type: 'string', default: '0.5' },
    answerTokens: { type: 'string', default: '64' },
    verbose: { type: 'boolean', default: false },
    diag: { type: 'boolean', default: false },
    fileSlots: { type: 'boolean', default: false },
    slotForms: { type: 'string', default: '' },
  },
});
const num = (s: string | undefined) => Number(s);

async function main(): Promise<void> {
const model = LanguageModel.load(args.model!);
const tokenizer = loadTokenizer();
const config = model.config;
const C = config.dModel;
const V = config.vocabSize;
const P = (name: string) => model.parameters.get(name)!.data as Float32Array;
const finalNorm = P(parameterNames.finalNorm);
const embedding = P(parameterNames.tokenEmbedding);
const feedsOfParameters = Object.fromEntries([...model.parameters].map(([n, t]) => [n, t.data]));

// --- graphs --------------------------------------------------------------------------------------
function stateGraph() {
  const g = new GraphBuilder();
  const w = declareParameters(g, config);
  const half = headSize(config) / 2;
  const tokens = g.input('tokens', 'int64', [1, 'T']);
  const positions = { cos: g.input('rope.cos', 'float32', ['T', 1, half]), sin: g.input('rope.sin', 'float32', ['T', 1, half]), mask: g.input('mask', 'float32', ['T', 'T']) };
  const stack = runBlocks(g, config, w, embed(g, w, tokens), positions, { from: 0, to: config.nLayers }, null);
  return exportOnnx({ x: stack.x }, { graphName: 'final_states' });
}
function upperGraph(M: number) {
  const g = new GraphBuilder();
  const w = declareParameters(g, config);
  const x = g.input('x', 'float32', [M, C]);
  const m = g.input('m', 'float32', [M, C]);
  const targets = g.input('targets', 'int64', [M]);
  const weights = g.input('weights', 'float32', [M]);
  const logits = logitsOf(g, config, w, g.add(x, m));
  const { loss } = crossEntropy(g, logits, targets, weights);
  const [dm] = grad(loss, [m]);
  return exportOnnx({ loss, dm: dm! }, { graphName: 'upper' });
}
const stateSession = await ortRuntime.load(stateGraph());
const uppers = new Map<number, Session>();
async function upper(M: number): Promise<Session> {
  if (!uppers.has(M)) uppers.set(M, await ortRuntime.load(upperGraph(M)));
  return uppers.get(M)!;
}
const rot = rotaryTables(config, 0, config.contextLength);
async function finalStates(ids: readonly number[]): Promise<Float32Array> {
  const T = ids.length;
  const half = headSize(config) / 2;
  const out = await stateSession.run({
    ...feedsOfParameters,
    tokens: { dtype: 'int64', shape: [1, T], data: BigInt64Array.from(ids, BigInt) },
    'rope.cos': { dtype: 'float32', shape: [T, 1, half], data: rot.cos.slice(0, T * half) },
    'rope.sin': { dtype: 'float32', shape: [T, 1, half], data: rot.sin.slice(0, T * half) },
    mask: { dtype: 'float32', shape: [T, T], data: causalMask(T) },
  });
  return out.x!.data as Float32Array;
}

// --- lexical address: a word-level tf-idf bag of the text so far (bm25Terms; idf over corpus documents)
type Bag = Map<string, number>;
const wordDf = new Map<string, number>();
let corpusDocs = 0;
{
  const tokens = readTokenFile(path.join('corpus', 'train.bin')).subarray(0, 8_000_000);
  let start = 0;
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i] !== SpecialToken.endOfText) continue;
    const text = tokenizer.decode(tokens.subarray(start, i));
    start = i + 1;
    corpusDocs++;
    for (const t of new Set(bm25Terms(text))) wordDf.set(t, (wordDf.get(t) ?? 0) + 1);
  }
  console.error(`word idf over ${corpusDocs} documents, ${wordDf.size} terms`);
}
const wordIdf = (t: string) => Math.log((corpusDocs + 1) / ((wordDf.get(t) ?? 0) + 1));
function bagOf(text: string): Bag {
  const counts = new Map<string, number>();
  for (const t of bm25Terms(text)) counts.set(t, (counts.get(t) ?? 0) + 1);
  const v: Bag = new Map();
  let n = 0;
  for (const [t, c] of counts) { const w = c * wordIdf(t); v.set(t, w); n += w * w; }
  n = Math.sqrt(n) || 1;
  for (const [t, w] of v) v.set(t, w / n);
  return v;
}
const cosBag = (a: Bag, b: Bag) => { let s = 0; for (const [t, w] of a) s += w * (b.get(t) ?? 0); return s; };
/** The bag of every prefix ids[0..t] (special tokens are not text). */
function lexicalAddresses(ids: readonly number[]): Bag[] {
  const out: Bag[] = [];
  const text = ids.map((id) => (isSpecialToken(id) ? ' ' : tokenizer.decode([id])));
  let prefix = '';
  let last: Bag = new Map();
  for (let t = 0; t < ids.length; t++) {
    prefix += text[t];
    // Recompute only at word boundaries (a token that starts with a non-word character) or at the end.
    const next = text[t + 1];
    if (t === ids.length - 1 || next === undefined || /^[^\p{L}\p{N}_$]/u.test(next)) last = bagOf(prefix);
    out.push(last);
  }
  return out;
}

// --- state keys: the final state, RMS-normed, centred on the background's mean, unit length -------
const centre = new Float32Array(C);
function rmsNormed(x: Float32Array, t: number): Float32Array {
  let ms = 0;
  for (let c = 0; c < C; c++) ms += x[t * C + c]! ** 2;
  const r = 1 / Math.sqrt(ms / C + config.normEps);
  const out = new Float32Array(C);
  for (let c = 0; c < C; c++) out[c] = x[t * C + c]! * r * finalNorm[c]!;
  return out;
}
function stateKey(x: Float32Array, t: number): Float32Array {
  const h = rmsNormed(x, t);
  let n = 0;
  for (let c = 0; c < C; c++) { h[c] -= centre[c]!; n += h[c]! ** 2; }
  n = Math.sqrt(n) || 1;
  for (let c = 0; c < C; c++) h[c] /= n;
  return h;
}
const sample = heldOutSample(path.join(args.model!, 'heldout-sample.bin'), config.contextLength, { windows: 16, length: 256, batch: 8 });
const heldOut: { ids: number[]; targets: number[] }[] = [];
for (const b of sample.batches) for (let r = 0; r < sample.batch; r++) {
  const L = sample.length;
  heldOut.push({ ids: Array.from(b.tokens.subarray(r * L, (r + 1) * L), Number), targets: Array.from(b.targets.subarray(r * L, (r + 1) * L), Number) });
}
const heldOutStates: Float32Array[] = [];
{
  let count = 0;
  for (const w of heldOut) {
    const x = await finalStates(w.ids);
    heldOutStates.push(x);
    for (let t = 0; t < w.ids.length; t++) { const h = rmsNormed(x, t); for (let c = 0; c < C; c++) centre[c] += h[c]!; count++; }
  }
  for (let c = 0; c < C; c++) centre[c] /= count;
}

// --- the memory ----------------------------------------------------------------------------------
interface NoteSlots { id: string; lexKey: Bag; stateKeys: Float32Array[]; values: Float32Array[] }
const notes: NoteSlots[] = [];
const lexBeta = num(args.lexBeta), tau = num(args.tau), stateBeta = num(args.stateBeta), hardTau = num(args.hardTau);

interface Read { note: number; slot: number; weight: number }
/** What position t reads: the gate over notes (with a sink at tau), then a softmax over the note's slots. */
function readsAt(lex: Bag[], x: Float32Array, t: number, only?: number): { reads: Read[]; gates: Float64Array } {
  const gates = new Float64Array(notes.length);
  if (notes.length === 0) return { reads: [], gates };
  let max = lexBeta * tau;
  const cosines = notes.map((n) => cosBag(lex[t]!, n.lexKey));
  const scores = cosines.map((c) => lexBeta * c);
  for (const s of scores) max = Math.max(max, s);
  let total = Math.exp(lexBeta * tau - max);
  for (const s of scores) total += Math.exp(s - max);
  const reads: Read[] = [];
  let h: Float32Array | null = null;
  for (let n = 0; n < notes.length; n++) {
    const gate = cosines[n]! < hardTau ? 0 : Math.exp(scores[n]! - max) / total;
    gates[n] = gate;
    if (gate < 1e-4 || (only !== undefined && n !== only)) continue;
    h ??= stateKey(x, t);
    const keys = notes[n]!.stateKeys;
    const s = keys.map((k) => { let d = 0; for (let c = 0; c < C; c++) d += h![c]! * k[c]!; return stateBeta * d; });
    const m = Math.max(...s);
    const e = s.map((v) => Math.exp(v - m));
    const z = e.reduce((a, b) => a + b, 0);
    e.forEach((v, slot) => { if (v / z > 1e-3) reads.push({ note: n, slot, weight: (gate * v) / z }); });
  }
  return { reads, gates };
}
function memoryOutput(reads: readonly Read[]): Float32Array {
  const out = new Float32Array(C);
  for (const r of reads) { const v = notes[r.note]!.values[r.slot]!; for (let c = 0; c < C; c++) out[c] += r.weight * v[c]!; }
  return out;
}
function logitsAt(x: Float32Array, t: number, m: Float32Array): Float32Array {
  const xm = new Float32Array(C);
  for (let c = 0; c < C; c++) xm[c] = x[t * C + c]! + m[c]!;
  const h = rmsNormed(xm, 0);
  const logits = new Float32Array(V);
  for (let v = 0; v < V; v++) { let s = 0; const o = v * C; for (let c = 0; c < C; c++) s += embedding[o + c]! * h[c]!; logits[v] = s; }
  return logits;
}

async function write(note: EvalNote): Promise<void> {
  const sequences = augmentNote({ text: note.note, kind: note.kind });
  const forms = new Set(args.forms!.split(','));
  const encoded = sequences.filter((s) => forms.has(s.form)).map((s) => { const ids = encodeTrainingSequence(tokenizer, s).slice(0, config.contextLength); return { ids, from: lossStart(tokenizer, s, ids) }; });
  const kept = sequences.filter((s) => forms.has(s.form));
  const canonicalIndex = kept.findIndex((s) => s.layout === 'exchange' && s.answer.length >= note.note.length - 2);
  const canonical = encoded[canonicalIndex] ?? encoded[0]!;
  const fileIndex = kept.findIndex((s) => s.layout === 'file');
  const lexKey = bagOf(note.note);
  const cx = await finalStates(canonical.ids);
  const stateKeys: Float32Array[] = [];
  for (let t = canonical.from - 1; t < canonical.ids.length - 1; t++) stateKeys.push(stateKey(cx, t));
  const slotForms = new Set(args.slotForms!.split(',').filter(Boolean));
  for (const [i, seq] of kept.entries()) {
    if (!slotForms.has(seq.form) || i === canonicalIndex) continue;
    const e = encoded[i]!;
    const ex = await finalStates(e.ids);
    for (let t = e.from - 1; t < e.ids.length - 1; t++) stateKeys.push(stateKey(ex, t));
  }
  if (args.fileSlots && fileIndex >= 0) {
    const f = encoded[fileIndex]!;
    const fx = await finalStates(f.ids);
    for (let t = f.from - 1; t < f.ids.length - 1; t++) stateKeys.push(stateKey(fx, t));
  }
  const index = notes.length;
  notes.push({ id: note.id, lexKey, stateKeys, values: stateKeys.map(() => new Float32Array(C)) });
  // Rows: every loss position of every sequence, with what it reads of this note (fixed: keys do not train).
  const rows: { x: Float32Array; target: number; reads: Read[]; other: Float32Array }[] = [];
  for (const e of encoded) {
    const x = await finalStates(e.ids);
    const lex = lexicalAddresses(e.ids);
    for (let t = e.from - 1; t < e.ids.length - 1; t++) {
      const { reads } = readsAt(lex, x, t);
      const own = reads.filter((r) => r.note === index);
      if (own.length === 0) continue;
      rows.push({ x: x.slice(t * C, (t + 1) * C), target: e.ids[t + 1]!, reads: own, other: memoryOutput(reads.filter((r) => r.note !== index)) });
    }
  }
  if (rows.length === 0) return;
  const M = Math.ceil(rows.length / 64) * 64;
  const session = await upper(M);
  const xs = new Float32Array(M * C), targets = new BigInt64Array(M), weights = new Float32Array(M);
  rows.forEach((r, i) => { xs.set(r.x, i * C); targets[i] = BigInt(r.target); weights[i] = 1; });
  const values = notes[index]!.values;
  const lr = num(args.lr);
  // Adam on this note's rows.
  const mom = values.map(() => new Float32Array(C)), vel = values.map(() => new Float32Array(C));
  let first = 0, last = 0;
  for (let step = 1; step <= num(args.steps); step++) {
    const ms = new Float32Array(M * C);
    rows.forEach((r, i) => { const m = memoryOutput(r.reads); for (let c = 0; c < C; c++) ms[i * C + c] = m[c]! + r.other[c]!; });
    const out = await session.run({ ...feedsOfParameters, x: xs, m: ms, targets, weights });
    const loss = (out.loss!.data as Float32Array)[0]!;
    if (step === 1) first = loss;
    last = loss;
    const dm = out.dm!.data as Float32Array;
    const g = values.map(() => new Float32Array(C));
    rows.forEach((r, i) => { for (const read of r.reads) for (let c = 0; c < C; c++) g[read.slot]![c] += read.weight * dm[i * C + c]!; });
    values.forEach((v, s) => {
      for (let c = 0; c < C; c++) {
        mom[s]![c] = 0.9 * mom[s]![c]! + 0.1 * g[s]![c]!;
        vel[s]![c] = 0.999 * vel[s]![c]! + 0.001 * g[s]![c]! ** 2;
        const mh = mom[s]![c]! / (1 - 0.9 ** step), vh = vel[s]![c]! / (1 - 0.999 ** step);
        v[c] -= (lr * mh) / (Math.sqrt(vh) + 1e-8);
      }
    });
  }
  if (args.verbose) console.error(`  ${note.id}: ${stateKeys.length} slots, ${rows.length} rows, loss ${first.toFixed(2)} -> ${last.toFixed(2)}`);
}

async function generate(prompt: number[], maxTokens: number): Promise<{ text: string; cited: string[] }> {
  const ids = [...prompt];
  const credit = new Float64Array(notes.length);
  const out: number[] = [];
  for (let i = 0; i < maxTokens && ids.length < config.contextLength; i++) {
    const x = await finalStates(ids);
    const t = ids.length - 1;
    const lex = lexicalAddresses(ids);
    const { reads, gates } = readsAt(lex, x, t);
    gates.forEach((g, n) => (credit[n] += g));
    const logits = logitsAt(x, t, memoryOutput(reads));
    let best = -1;
    for (let v = 0; v < V; v++) if ((out.length > 0 || !isSpecialToken(v)) && (best < 0 || logits[v]! > logits[best]!)) best = v;
    if (isSpecialToken(best)) break;
    ids.push(best);
    out.push(best);
  }
  const cited = [...credit.keys()].filter((n) => credit[n]! > 0.05).sort((a, b) => credit[b]! - credit[a]!).map((n) => notes[n]!.id);
  return { text: tokenizer.decode(out), cited };
}

async function heldOutLossNow(): Promise<number> {
  let total = 0, count = 0;
  for (const [i, w] of heldOut.entries()) {
    const x = heldOutStates[i]!;
    const T = w.ids.length;
    const ms = new Float32Array(T * C);
    const lex = lexicalAddresses(w.ids);
    for (let t = 0; t < T; t++) ms.set(memoryOutput(readsAt(lex, x, t).reads), t * C);
    const session = await upper(T);
    const out = await session.run({ ...feedsOfParameters, x, m: ms, targets: BigInt64Array.from(w.targets, BigInt), weights: new Float32Array(T).fill(1) });
    total += (out.loss!.data as Float32Array)[0]! * T;
    count += T;
  }
  return total / count;
}

const subject: EvalSubject = {
  write,
  async ask(q): Promise<SubjectAnswer> {
    const r = await generate(formatAnswerPrompt(tokenizer, { notes: [], question: q.question }), num(args.answerTokens));
    if (args.verbose) console.error(`  Q ${q.note} ${q.style}: ${q.question}\n    -> [${r.cited.slice(0, 3).join(',')}] ${r.text.replace(/\n/g, ' ').slice(0, 160)}`);
    return { text: r.text, cited: r.cited, memoryContextTokens: 0 };
  },
  async complete(c): Promise<SubjectAnswer> {
    const r = await generate(formatCompletionPrompt(tokenizer, completionFilePath(c.language), c.prefix), 12);
    if (args.verbose) console.error(`  C ${c.note}: expected ${c.expected} -> ${JSON.stringify(r.text.slice(0, 60))}`);
    return { text: r.text, cited: r.cited, memoryContextTokens: 0 };
  },
  heldOutLoss: heldOutLossNow,
};

let set = loadEvalSet(args.set!);
if (args.limit) {
  set = limitSet(set, num(args.limit));
}
const run = await runSubject('keyed', subject, set, { onProgress: (m) => console.error(m) });
const report = scoreMethod(run);
console.log(JSON.stringify(report));
}

void main();
