// Fits the learned show/truncate decision (src/service/completionCuts.ts) from replay details:
// `mnemo eval --replay DIR --details FILE.jsonl --json FILE.json` over training code (never the
// held-out packages). Each cursor's completion, its tokens' probabilities and any copied note span
// are in the details; the prefix is read again from the replayed file (the JSON names the dir).
// Every cut of every cursor is a row labelled by whether the file goes on with it; one logistic
// regression for the model's cuts, one for the file's repeated line; then the least chance is the
// one with the most characters saved at a precision of at least --precision on the fit group.
// Prints each group's figures for the fitted decision, today's rule (--old MODULE) and "always".
//
//   node --import tsx scripts/fitShowDecision.ts --precision 0.65 --fit a.jsonl b.jsonl --check c.jsonl

import * as fs from 'node:fs';
import * as path from 'node:path';
import { isRight, ReplayOutcome, restOfLine, savedChars, scoreView } from '../src/eval/replayScore';
import { PREFIX_CHARS } from '../src/eval/replayRun';
import { ConfidenceSettings, defaultConfidenceSettings, RawCompletion, shownCompletion } from '../src/service/completionConfidence';
import { completionCuts, FILE_FEATURES, LearnedShowSettings, MODEL_FEATURES } from '../src/service/completionCuts';
import type { CompletionPiece } from '../src/service/completionPath';
import { repeatedLineMatch } from '../src/service/repeatedLine';
import { fitLogistic, LogisticRow } from './logisticFit';

interface Detail {
  readonly file: string;
  readonly offset: number;
  readonly rest: string;
  readonly full: string;
  readonly pieces: readonly CompletionPiece[];
  readonly fromNote: { readonly span: string; readonly score: number } | null;
}

interface Cursor {
  readonly group: string;
  readonly source: string;
  readonly raw: RawCompletion;
  readonly rest: string;
  readonly prefix: string;
}

const args = process.argv.slice(2);
const groups = new Map<string, string[]>();
let current = 'fit';
let target = 0.65;
let l2 = 1;
let oldModule: string | undefined;
let verbose = false;
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  if (a === '--precision') target = Number(args[++i]);
  else if (a === '--l2') l2 = Number(args[++i]);
  else if (a === '--old') oldModule = args[++i];
  else if (a === '--verbose') verbose = true;
  else if (a.startsWith('--')) current = a.slice(2);
  else groups.set(current, [...(groups.get(current) ?? []), a]);
}

const cursors = new Map<string, Cursor[]>();
for (const [group, files] of groups)
  cursors.set(
    group,
    files.flatMap(file => readCursors(group, file)),
  );

function readCursors(group: string, detailsFile: string): Cursor[] {
  const summary = JSON.parse(fs.readFileSync(detailsFile.replace(/\.jsonl$/u, '.json'), 'utf8')) as { replay: { dir: string } };
  const texts = new Map<string, string>();
  const out: Cursor[] = [];
  for (const line of fs.readFileSync(detailsFile, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const d = JSON.parse(line) as Detail;
    let text = texts.get(d.file);
    if (text === undefined) {
      text = fs.readFileSync(path.join(summary.replay.dir, d.file), 'utf8');
      texts.set(d.file, text);
    }
    const prefix = text.slice(Math.max(0, d.offset - PREFIX_CHARS), d.offset);
    out.push({
      group,
      source: detailsFile,
      rest: d.rest,
      prefix,
      raw: {
        completion: d.full,
        pieces: d.pieces,
        copied: d.fromNote ? { text: d.fromNote.span, score: d.fromNote.score } : null,
        repeated: repeatedLineMatch(prefix),
        prefix,
      },
    });
  }
  return out;
}

// ---- fit on the fit group's cuts ----
const fitCursors = cursors.get('fit') ?? [];
const modelRows: LogisticRow[] = [];
const fileRows: LogisticRow[] = [];
for (const c of fitCursors) {
  if (c.raw.copied !== null) continue;
  for (const cut of completionCuts({ ...c.raw, prefix: c.prefix })) {
    (cut.source === 'model' ? modelRows : fileRows).push({ x: cut.features, y: isRight(cut.text, c.rest) ? 1 : 0 });
  }
}
const model = fitLogistic(modelRows, l2);
const file = fitLogistic(fileRows, l2);
console.log(
  `fit: ${fitCursors.length} cursors, ${modelRows.length} model cuts (${share(modelRows)} right), ${fileRows.length} file cuts (${share(fileRows)} right)`,
);
console.log('model', MODEL_FEATURES.map((f, i) => `${f} ${model[i]!.toFixed(3)}`).join(', '));
console.log('file ', FILE_FEATURES.map((f, i) => `${f} ${file[i]!.toFixed(3)}`).join(', '));

const chances = [0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
const bonuses = [0, 2, 5, 10, 20, 50, 1000];
let chosen = { minChance: 0.9, rightBonus: 1000 };
let bestSaved = -1;
for (const minChance of chances) {
  for (const rightBonus of bonuses) {
    const s = figures(fitCursors, { ...defaultConfidenceSettings, learned: { model, file, minChance, rightBonus } });
    if ((s.precision ?? 0) >= target && (s.saved_share ?? 0) > bestSaved) {
      bestSaved = s.saved_share ?? 0;
      chosen = { minChance, rightBonus };
    }
  }
}
const learned: LearnedShowSettings = { model: model.map(round), file: file.map(round), ...chosen };
console.log(`chosen ${JSON.stringify(chosen)} (the most saved at precision >= ${target} on the fit group)`);
console.log(JSON.stringify(learned));

// ---- figures per group ----
const old = oldModule
  ? // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require(path.resolve(oldModule)) as { shownCompletion: (raw: object, mode: string) => { text: string; source: string | null } })
  : null;
for (const [group, list] of cursors) {
  console.log(`\n== ${group}: ${list.length} cursors`);
  row(
    'always',
    scoreView(
      outcomes(list, c => ({ text: c.raw.completion, source: c.raw.copied ? 'note' : 'model' })),
      o => o.shipped,
    ),
  );
  if (old) {
    row(
      'today',
      scoreView(
        outcomes(list, c =>
          old.shownCompletion(
            { ...c.raw, repeated: repeatedLineMatch(c.prefix, { minMatch: 24, maxMatch: 200 })?.line ?? null },
            'confident',
          ),
        ),
        o => o.shipped,
      ),
    );
  }
  for (const source of ['model', 'file'] as const) {
    const shown = list.map(c => ({ c, s: shownCompletion(c.raw, 'confident', { ...defaultConfidenceSettings, learned }) }));
    const mine = shown.filter(x => x.s.source === source);
    const right = mine.filter(x => isRight(x.s.text, x.c.rest)).length;
    const saved = mine.reduce((sum, x) => sum + savedChars(x.s.text, x.c.rest), 0);
    const lineChars = list.reduce((sum, c) => sum + restOfLine(c.rest).length, 0);
    console.log(`  from ${source}: shown ${mine.length}, right ${right}, saved_share ${fmt(saved / lineChars)}`);
  }
  for (const minChance of chances) {
    for (const rightBonus of verbose ? bonuses : [chosen.rightBonus]) {
      const s = figures(list, { ...defaultConfidenceSettings, learned: { ...learned, minChance, rightBonus } });
      const mark = minChance === chosen.minChance && rightBonus === chosen.rightBonus ? ' *' : '';
      row(`learned ${minChance.toFixed(2)} +${rightBonus}${mark}`, s);
    }
  }
}

function figures(list: readonly Cursor[], settings: ConfidenceSettings) {
  return scoreView(
    outcomes(list, c => shownCompletion(c.raw, 'confident', settings)),
    o => o.shipped,
  );
}

function outcomes(list: readonly Cursor[], show: (c: Cursor) => { text: string; source: string | null }): ReplayOutcome[] {
  return list.map(c => {
    const shown = show(c);
    const span = shown.source === 'note' ? (c.raw.copied?.text ?? null) : null;
    return {
      rest: c.rest,
      shipped: { text: shown.text, span },
      always: { text: c.raw.completion, span: c.raw.copied?.text ?? null },
      ms: 0,
    };
  });
}

function row(name: string, s: ReturnType<typeof scoreView>): void {
  console.log(
    `${name.padEnd(22)} precision ${fmt(s.precision)} saved ${fmt(s.saved_share)} shown ${fmt(s.shown_rate)} false_copies ${fmt(s.false_copies)} (${s.false_copy_count})`,
  );
}

function share(rows: readonly LogisticRow[]): string {
  return fmt(rows.filter(r => r.y === 1).length / Math.max(1, rows.length));
}

function fmt(x: number | null): string {
  return x === null ? '-' : x.toFixed(3);
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
