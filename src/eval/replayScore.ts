// Scoring of the replay benchmark: each cursor's shown completion against the file's real
// continuation. A shown completion is right when the continuation starts with it (spaces and tabs
// at the start of both dropped; a line break is not whitespace to skip). It saves the characters
// of the rest of the cursor's line it types when right, none when wrong (a wrong one costs the
// user a rejection). A false copy is a shown note span the code does not go on with. Pure.

import { latencySummary, Percentiles } from './evalScore';

export interface ReplayView {
  /** The ghost text shown at this cursor ('' for none). */
  readonly text: string;
  /** The note span the shown text starts with, if it came from a note. */
  readonly span: string | null;
}

export interface ReplayOutcome {
  /** The file from the cursor on (at least its line). */
  readonly rest: string;
  /** What ships (the `confident` decision) and what "always show" would show, from one completion. */
  readonly shipped: ReplayView;
  readonly always: ReplayView;
  readonly ms: number;
}

export interface ReplayScores {
  readonly shown_rate: number | null;
  readonly precision: number | null;
  readonly saved_share: number | null;
  /** False copies over all cursors, and over the shown completions. */
  readonly false_copies: number | null;
  readonly false_copies_of_shown: number | null;
  /** The counts behind the shares, so that runs over several directories can be pooled. */
  readonly shown: number;
  readonly right: number;
  readonly saved_chars: number;
  readonly line_chars: number;
  readonly false_copy_count: number;
}

export interface ReplayReport {
  readonly cursors: number;
  readonly files: number;
  readonly shipped: ReplayScores;
  readonly always: ReplayScores;
  readonly complete_ms: Percentiles;
}

const LEADING = /^[ \t]+/u;

/** Whether the continuation starts with the completion, leading spaces and tabs of both dropped. */
export function isRight(completion: string, rest: string): boolean {
  const text = completion.replace(LEADING, '');
  return text !== '' && rest.replace(LEADING, '').startsWith(text);
}

/** The rest of the cursor's line that a person would type (leading spaces and trailing space dropped). */
export function restOfLine(rest: string): string {
  const end = rest.indexOf('\n');
  return (end < 0 ? rest : rest.slice(0, end)).replace(LEADING, '').replace(/\s+$/u, '');
}

/** Characters of the rest of the line a shown completion types: all it covers when right, else 0. */
export function savedChars(completion: string, rest: string): number {
  if (!isRight(completion, rest)) return 0;
  return Math.min(completion.replace(LEADING, '').length, restOfLine(rest).length);
}

/** A shown note span the code does not continue with. */
export function isFalseCopy(view: ReplayView, rest: string): boolean {
  if (view.span === null || view.text.trim() === '') return false;
  const at = view.text.indexOf(view.span);
  return !isRight(at < 0 ? view.text : view.text.slice(0, at + view.span.length), rest);
}

export function scoreView(outcomes: readonly ReplayOutcome[], view: (o: ReplayOutcome) => ReplayView): ReplayScores {
  let shown = 0;
  let right = 0;
  let saved = 0;
  let lineChars = 0;
  let falseCopies = 0;
  for (const outcome of outcomes) {
    const v = view(outcome);
    lineChars += restOfLine(outcome.rest).length;
    if (v.text.trim() === '') continue;
    shown++;
    if (isRight(v.text, outcome.rest)) right++;
    saved += savedChars(v.text, outcome.rest);
    if (isFalseCopy(v, outcome.rest)) falseCopies++;
  }
  const n = outcomes.length;
  return {
    shown_rate: n === 0 ? null : shown / n,
    precision: shown === 0 ? null : right / shown,
    saved_share: lineChars === 0 ? null : saved / lineChars,
    false_copies: n === 0 ? null : falseCopies / n,
    false_copies_of_shown: shown === 0 ? null : falseCopies / shown,
    shown,
    right,
    saved_chars: saved,
    line_chars: lineChars,
    false_copy_count: falseCopies,
  };
}

export function scoreReplay(outcomes: readonly ReplayOutcome[], files: number): ReplayReport {
  return {
    cursors: outcomes.length,
    files,
    shipped: scoreView(outcomes, o => o.shipped),
    always: scoreView(outcomes, o => o.always),
    complete_ms: latencySummary(outcomes.map(o => o.ms)),
  };
}
