// Runs the replay benchmark (`mnemo eval --replay DIR`): optionally writes an eval set's notes and
// distractors first (ordinary code should not copy them), then completes at every seeded cursor of
// every replayable source file under DIR, with the file up to the cursor as the prefix (its last
// PREFIX_CHARS characters, as the editor sends), and scores what ships beside what "always show"
// would show (replayScore.ts). The subject is built by the CLI from the service.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EvalNote } from './evalSet';
import {
  defaultReplayCursorSettings,
  isReplayable,
  ReplayCursor,
  replayCursors,
  ReplayCursorSettings,
  replaySources,
  sampleFiles,
} from './replayCursors';
import { ReplayOutcome, ReplayReport, ReplayView, scoreReplay } from './replayScore';

/** Characters before the cursor the editor sends (src/vscode/completion-provider.ts). */
export const PREFIX_CHARS = 4000;
/** Characters of the continuation kept per cursor: enough for any completion to be checked. */
const REST_CHARS = 2000;

export interface ReplayCompletion {
  readonly shipped: ReplayView;
  readonly always: ReplayView;
  /** What the subject wants kept per cursor in the details file (probabilities for calibration). */
  readonly detail?: object;
}

export interface ReplaySubject {
  write?(note: EvalNote): Promise<void>;
  complete(filePath: string, prefix: string): Promise<ReplayCompletion>;
  dispose?(): Promise<void>;
}

export interface ReplayOptions {
  readonly cursors?: ReplayCursorSettings;
  /** Only this many files, drawn with the cursor seed; default all. */
  readonly files?: number;
  /** Notes and distractors to write first. */
  readonly notes?: readonly EvalNote[];
  readonly onProgress?: (message: string) => void;
  /** Each cursor's outcome as it finishes (`--details`). */
  readonly onCursor?: (cursor: ReplayCursor, outcome: ReplayOutcome, detail: object | undefined) => void;
  readonly clock?: () => number;
  readonly signal?: AbortSignal;
}

export interface ReplayResult extends ReplayReport {
  readonly dir: string;
  readonly notes: number;
  readonly seed: number;
  readonly per_file: number;
}

export async function runReplay(dir: string, subject: ReplaySubject, options: ReplayOptions = {}): Promise<ReplayResult> {
  const settings = options.cursors ?? defaultReplayCursorSettings;
  const clock = options.clock ?? (() => performance.now());
  const say = (message: string) => options.onProgress?.(`[replay] ${message}`);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new Error(`--replay ${dir} is not a directory`);
  const notes = options.notes ?? [];
  if (notes.length > 0 && !subject.write) throw new Error('the replay subject cannot write notes');
  for (const [i, note] of notes.entries()) {
    options.signal?.throwIfAborted();
    await subject.write!(note);
    if ((i + 1) % 10 === 0 || i + 1 === notes.length) say(`wrote ${i + 1}/${notes.length} notes`);
  }
  const files = sampleFiles(replaySources(dir), options.files, settings.seed);
  const outcomes: ReplayOutcome[] = [];
  let used = 0;
  for (const [i, file] of files.entries()) {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    if (!isReplayable(text)) continue;
    used++;
    for (const cursor of replayCursors(file, text, settings)) {
      options.signal?.throwIfAborted();
      const prefix = text.slice(Math.max(0, cursor.offset - PREFIX_CHARS), cursor.offset);
      const started = clock();
      const result = await subject.complete(file, prefix);
      const outcome: ReplayOutcome = {
        rest: text.slice(cursor.offset, cursor.offset + REST_CHARS),
        shipped: result.shipped,
        always: result.always,
        ms: clock() - started,
      };
      outcomes.push(outcome);
      options.onCursor?.(cursor, outcome, result.detail);
    }
    if ((i + 1) % 5 === 0 || i + 1 === files.length) say(`${i + 1}/${files.length} files, ${outcomes.length} cursors`);
  }
  return { dir, notes: notes.length, seed: settings.seed, per_file: settings.perFile, ...scoreReplay(outcomes, used) };
}
