// `npm run bench:memory`: the memory writer on a real checkpoint and an eval set in the public
// format (default ../shared/eval/public). Writes every note and distractor in file order into the
// live value table, asks questions closed-book and greedily, and reports answer recall (the eval
// README's scoring), provenance@1/@3 from the model's own reads, write time (wall and process CPU),
// and the relative change of held-out code loss. For tuning and reports; `mnemo eval` is the
// official runner.
//
//   npm run bench:memory -- --checkpoint DIR [--threads 1] [--slots 128 --lr 1 --steps 20 --threshold 0.3]
//   npm run bench:memory -- --checkpoint DIR --notes 8 --no-distractors --vary slots=32,128,512 --vary lr=0.5,2
//
// With --vary, each listed value is run on its own (the others at their base value), each run from
// the checkpoint's own table. The last stdout line is JSON: one result, or a list for --vary.

import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { loadCheckpoint } from '../../src/model/checkpoint';
import { readTokenFile } from '../../src/model/corpusReader';
import { LanguageModel } from '../../src/model/languageModel';
import { latestCheckpoint } from '../../src/model/training/runDirectory';
import { loadTokenizer, Tokenizer } from '../../src/model/tokenizer';
import { backgroundStatsOf, noBackgroundStats } from '../../src/memory/rows/backgroundStats';
import { answerRecall, mean, percentile, provenanceHit } from '../../src/eval/evalScore';
import { EvalNote, EvalSet, loadEvalSet } from '../../src/eval/evalSet';
import { findPublicEvalSet } from '../../src/eval/publicSetLocation';
import type { NoteId } from '../../src/memory/note';
import { citeNotes, ProvenanceIndex, ProvenanceWeighting } from '../../src/memory/citations/provenance';
import { valueTableOf, writeRows } from '../../src/memory/rows/valueTable';
import { defaultWriterSettings, MemoryWriter, WriterSettings } from '../../src/memory/rows/rowWriter';
import { closedBookAnswer } from './closedBookAnswer';

const { values: args } = parseArgs({
  options: {
    checkpoint: { type: 'string' },
    run: { type: 'string', default: 'runs/pkm-small' },
    set: { type: 'string' },
    corpus: { type: 'string', default: 'corpus' },
    threads: { type: 'string', default: '1' },
    slots: { type: 'string' },
    lr: { type: 'string' },
    steps: { type: 'string' },
    threshold: { type: 'string' },
    'max-sequences': { type: 'string' },
    'owned-weight': { type: 'string' },
    'count-mode': { type: 'string' },
    'row-scaling': { type: 'string' },
    scoring: { type: 'string' },
    candidates: { type: 'string' },
    refresh: { type: 'string' },
    notes: { type: 'string' },
    'no-distractors': { type: 'boolean', default: false },
    styles: { type: 'string', default: 'direct' },
    'max-tokens': { type: 'string', default: '48' },
    'heldout-windows': { type: 'string', default: '16' },
    weighting: { type: 'string', default: 'contribution' },
    vary: { type: 'string', multiple: true },
    baseline: { type: 'boolean', default: false },
  },
});

const settingKeys: Record<string, keyof WriterSettings> = {
  slots: 'slots',
  lr: 'learningRate',
  steps: 'maxSteps',
  threshold: 'lossThreshold',
  'max-sequences': 'maxSequences',
  'owned-weight': 'ownedSlotWeight',
  'count-mode': 'countMode',
  'row-scaling': 'rowScaling',
  scoring: 'scoring',
  candidates: 'candidateTokens',
  refresh: 'candidateRefresh',
};

function settingValue(key: keyof WriterSettings, raw: string): WriterSettings[keyof WriterSettings] {
  return key === 'countMode' || key === 'rowScaling' || key === 'scoring' ? (raw as WriterSettings[typeof key]) : Number(raw);
}

function baseSettings(): WriterSettings {
  const settings: Record<string, unknown> = { ...defaultWriterSettings };
  for (const [flag, key] of Object.entries(settingKeys)) {
    const raw = args[flag as keyof typeof args];
    if (typeof raw === 'string') settings[key] = settingValue(key, raw);
  }
  return settings as unknown as WriterSettings;
}

/** Held-out code loss over windows spread evenly through the held-out split. */
async function heldOutLoss(model: LanguageModel, tokens: Uint16Array, windows: number): Promise<number> {
  const [B, T] = [4, 256];
  const stride = Math.floor((tokens.length - T - 1) / windows);
  let total = 0;
  let batches = 0;
  for (let first = 0; first < windows; first += B) {
    const inputs = new BigInt64Array(B * T);
    const targets = new BigInt64Array(B * T);
    for (let row = 0; row < B; row++) {
      const start = ((first + row) % windows) * stride;
      for (let t = 0; t < T; t++) {
        inputs[row * T + t] = BigInt(tokens[start + t]!);
        targets[row * T + t] = BigInt(tokens[start + t + 1]!);
      }
    }
    total += (await model.evaluate(inputs, targets, B, T)).loss;
    batches++;
  }
  return total / batches;
}

interface QuestionResult {
  readonly note: string;
  readonly style: string;
  readonly question: string;
  readonly answer: string;
  readonly recall: number;
  readonly cited: string[];
  /** For comparison: the same reads ranked by read weight alone, and the question's own reads only. */
  readonly citedByReads: string[];
  readonly citedFromQuestion: string[];
}

async function ask(
  model: LanguageModel,
  tokenizer: Tokenizer,
  questions: EvalSet['questions'],
  index: ProvenanceIndex,
  weighting: ProvenanceWeighting,
  maxTokens: number,
  askMs: number[],
): Promise<QuestionResult[]> {
  const results: QuestionResult[] = [];
  for (const q of questions) {
    const answer = await closedBookAnswer(model, tokenizer, q.question, maxTokens);
    askMs.push(answer.milliseconds);
    const cited = citeNotes(answer.reads, index.ownership(), { weighting, limit: 3 }).map((c) => c.note as string);
    const citedByReads = citeNotes(answer.reads, index.ownership(), { weighting: 'reads', limit: 3 }).map((c) => c.note as string);
    const citedFromQuestion = citeNotes(answer.reads.slice(0, 1), index.ownership(), { weighting, limit: 3 }).map((c) => c.note as string);
    results.push({ note: q.note, style: q.style, question: q.question, answer: answer.text, recall: answerRecall(answer.text, q.answer) ?? 0, cited, citedByReads, citedFromQuestion });
  }
  return results;
}

const round = (x: number | null, digits = 3) => (x === null ? null : Number(x.toFixed(digits)));

async function runOnce(label: string, settings: WriterSettings, context: Context) {
  const { model, tokenizer, writer, set, baseTable, heldout, heldoutBefore } = context;
  const table = valueTableOf(model);
  table.data.set(baseTable);
  const styles = new Set(args.styles!.split(','));
  const limit = args.notes ? Number(args.notes) : set.notes.length;
  const asked = set.notes.slice(0, limit);
  const askedIds = new Set(asked.map((n) => n.id));
  const questions = set.questions.filter((q) => askedIds.has(q.note) && styles.has(q.style));
  const toWrite: EvalNote[] = [...asked, ...(args['no-distractors'] ? [] : set.distractors)];
  const index = new ProvenanceIndex();
  const weighting = args.weighting as ProvenanceWeighting;
  const maxTokens = Number(args['max-tokens']);
  const writes: { id: string; wallMs: number; cpuMs: number; steps: number; stop: string; firstLoss: number; lastLoss: number; tokens: number; lossTokens: number }[] = [];
  const rightAfter = new Map<string, number>();
  const askMs: number[] = [];
  for (const note of toWrite) {
    const cpuBefore = process.cpuUsage();
    const write = await writer.train({ text: note.note, kind: note.kind }, { settings });
    const cpu = process.cpuUsage(cpuBefore);
    writeRows(table, write.slots, write.next);
    index.addWrite(note.id as NoteId, write.slots, write.prev, write.next, table.rowWidth);
    writes.push({
      id: note.id,
      wallMs: write.milliseconds,
      cpuMs: (cpu.user + cpu.system) / 1000,
      steps: write.steps,
      stop: write.stop,
      firstLoss: write.losses[0]!,
      lastLoss: write.losses[write.losses.length - 1]!,
      tokens: write.tokens,
      lossTokens: write.lossTokens,
    });
    if (askedIds.has(note.id)) {
      const own = questions.filter((q) => q.note === note.id && q.style === 'direct');
      const results = await ask(model, tokenizer, own, index, weighting, maxTokens, []);
      for (const r of results) rightAfter.set(r.question, r.recall);
    }
    process.stderr.write(
      `[${label}] ${note.id}: ${write.steps} steps (${write.stop}), loss ${write.losses[0]!.toFixed(3)} -> ${write.losses[write.losses.length - 1]!.toFixed(3)}, ` +
        `${write.milliseconds.toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms cpu\n`,
    );
  }
  const results = await ask(model, tokenizer, questions, index, weighting, maxTokens, askMs);
  const heldoutAfter = await heldOutLoss(model, heldout, Number(args['heldout-windows']));
  const recallByStyle = Object.fromEntries([...styles].map((style) => [style, round(mean(results.filter((r) => r.style === style).map((r) => r.recall)))]));
  const direct = results.filter((r) => r.style === 'direct');
  const summary = {
    label,
    settings,
    notes: asked.length,
    written: toWrite.length,
    questions: results.length,
    answer_recall: { all: round(mean(results.map((r) => r.recall))), ...recallByStyle },
    recall_right_after_direct: round(mean([...rightAfter.values()])),
    retention_direct: round((mean(direct.map((r) => r.recall)) ?? 0) / Math.max(1e-9, mean([...rightAfter.values()]) ?? 0)),
    provenance_at_1: round(mean(results.map((r) => (provenanceHit(r.cited, r.note, 1) ? 1 : 0)))),
    provenance_at_3: round(mean(results.map((r) => (provenanceHit(r.cited, r.note, 3) ? 1 : 0)))),
    provenance_at_1_by_reads: round(mean(results.map((r) => (provenanceHit(r.citedByReads, r.note, 1) ? 1 : 0)))),
    provenance_at_1_question_only: round(mean(results.map((r) => (provenanceHit(r.citedFromQuestion, r.note, 1) ? 1 : 0)))),
    write_ms: { p50: round(percentile(writes.map((w) => w.wallMs), 50), 0), p95: round(percentile(writes.map((w) => w.wallMs), 95), 0) },
    write_cpu_ms: { p50: round(percentile(writes.map((w) => w.cpuMs), 50), 0), p95: round(percentile(writes.map((w) => w.cpuMs), 95), 0) },
    steps: { mean: round(mean(writes.map((w) => w.steps)), 1), threshold_stops: writes.filter((w) => w.stop === 'threshold').length },
    note_loss: { first: round(mean(writes.map((w) => w.firstLoss))), last: round(mean(writes.map((w) => w.lastLoss))) },
    ask_ms_p50: round(percentile(askMs, 50), 0),
    heldout_loss: { before: round(heldoutBefore, 4), after: round(heldoutAfter, 4), forgetting: round((heldoutAfter - heldoutBefore) / heldoutBefore, 5) },
  };
  for (const r of results.slice(0, 6)) process.stderr.write(`  Q ${r.question}\n  A ${JSON.stringify(r.answer)} recall ${r.recall.toFixed(2)} cited ${r.cited.join(',')} (want ${r.note})\n`);
  process.stderr.write(`[${label}] ${JSON.stringify(summary)}\n`);
  return summary;
}

interface Context {
  readonly model: LanguageModel;
  readonly tokenizer: Tokenizer;
  readonly writer: MemoryWriter;
  readonly set: EvalSet;
  readonly baseTable: Float32Array;
  readonly heldout: Uint16Array;
  readonly heldoutBefore: number;
}

async function main(): Promise<void> {
  const checkpointDir = args.checkpoint ?? latestCheckpoint(args.run!)?.dir;
  if (!checkpointDir) throw new Error(`no checkpoint: pass --checkpoint DIR (none found in ${args.run})`);
  const setDir = args.set ?? findPublicEvalSet();
  if (!setDir) throw new Error('no eval set: pass --set DIR');
  const checkpoint = loadCheckpoint(checkpointDir);
  const session = { intraOpNumThreads: Number(args.threads) };
  const model = new LanguageModel(checkpoint.manifest.config, checkpoint.parameters, { session });
  const background = backgroundStatsOf(checkpoint);
  if (!background) process.stderr.write(`${checkpointDir} has no slot statistics: slots are chosen by term frequency alone (run scripts/train/slotStatistics.ts)\n`);
  const tokenizer = loadTokenizer();
  const writer = new MemoryWriter(model, tokenizer, background ?? noBackgroundStats(model.config), { session });
  const set = loadEvalSet(setDir);
  const heldout = readTokenFile(path.join(args.corpus!, 'heldout.bin'));
  const heldoutBefore = await heldOutLoss(model, heldout, Number(args['heldout-windows']));
  const context: Context = { model, tokenizer, writer, set, baseTable: valueTableOf(model).data.slice(), heldout, heldoutBefore };
  process.stderr.write(`checkpoint ${checkpointDir} (step ${checkpoint.manifest.training.steps}), background ${background ? `${background.batches} batches` : 'none'}, held-out loss ${heldoutBefore.toFixed(4)}\n`);

  if (args.baseline) {
    const styles = new Set(args.styles!.split(','));
    const limit = args.notes ? Number(args.notes) : set.notes.length;
    const ids = new Set(set.notes.slice(0, limit).map((n) => n.id));
    const results = await ask(model, tokenizer, set.questions.filter((q) => ids.has(q.note) && styles.has(q.style)), new ProvenanceIndex(), 'reads', Number(args['max-tokens']), []);
    process.stderr.write(`[none] answer_recall ${mean(results.map((r) => r.recall))?.toFixed(3)}\n`);
  }

  const base = baseSettings();
  const runs: { label: string; settings: WriterSettings }[] = [];
  if (!args.vary || args.vary.length === 0) runs.push({ label: 'base', settings: base });
  for (const spec of args.vary ?? []) {
    const [flag, list] = spec.split('=') as [string, string];
    const key = settingKeys[flag];
    if (!key || !list) throw new Error(`--vary ${spec}: use NAME=v1,v2 with NAME one of ${Object.keys(settingKeys).join(', ')}`);
    for (const raw of list.split(',')) runs.push({ label: `${flag}=${raw}`, settings: { ...base, [key]: settingValue(key, raw) } });
  }
  const summaries = [];
  for (const run of runs) summaries.push(await runOnce(run.label, run.settings, context));
  await writer.dispose();
  await model.dispose();
  process.stdout.write(`${JSON.stringify(summaries.length === 1 ? summaries[0] : summaries)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:memory: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
