// Which part of a completion to show as ghost text. Most keystrokes are not where the small model
// knows what comes next, and ghost text that is wrong most of the time gets turned off. In order:
// a span copied from a note, when the memory proposed it strongly enough (its score, spanCopy.ts),
// with what the model typed after it held to the model's floor; else the cut of the completion's
// first line, or the rest of a line the file typed before (repeatedLine.ts), with the most expected
// characters typed right among those a learned score gives a good enough chance
// (completionCuts.ts). Nothing left: nothing shown. Pure; calibrated by `mnemo eval --replay`
// (docs/decisions/2026-12-07-ghost-text-confidence.md, 2026-12-07-learned-show-decision.md).

import { isNameChar } from '../memory/text/words';
import type { CompletionPiece } from './completionPath';
import { bestCut, completionCuts, defaultLearnedShowSettings, LearnedShowSettings } from './completionCuts';
import type { RepeatedLine } from './repeatedLine';

/** What the user asked to see: `confident` (the default), every completion, only a note's span
 *  (held to the same floors), nothing. */
export const SHOW_MODES = ['confident', 'always', 'memory-only', 'off'] as const;
export type ShowMode = (typeof SHOW_MODES)[number];

export interface ConfidenceSettings {
  /** Least probability, multiplied, of the model's tokens shown after a strong note span. */
  readonly minProbability: number;
  /** Least score of a copied note span (spanCopy.ts; its copy threshold is 0.25). Replay with the
   *  dev notes written, commander + kysely: false copies 0.040 of cursors at 0.25, 0.008 at 0.7. */
  readonly minSpanScore: number;
  /** Least characters other than whitespace a shown part has. */
  readonly minChars: number;
  /** The learned cut of the model's completion or the file's repeated line. */
  readonly learned: LearnedShowSettings;
}

export const defaultConfidenceSettings: ConfidenceSettings = {
  minProbability: 0.5,
  minSpanScore: 0.7,
  minChars: 1,
  learned: defaultLearnedShowSettings,
};

/** The parts of a completion the decision reads (completionPath.ts's output). */
export interface RawCompletion {
  readonly completion: string;
  readonly pieces: readonly CompletionPiece[];
  /** The copied note span the completion starts with, and how strongly the memory proposed it. */
  readonly copied: { readonly text: string; readonly score?: number } | null;
  /** The rest of a line the file typed before after the same text (repeatedLine.ts), if any, and
   *  how many characters of text before the cursor it matched. */
  readonly repeated?: RepeatedLine | null;
  /** The document before the cursor (the learned cut's context features read it). */
  readonly prefix?: string;
}

/** Where shown ghost text comes from: a note's span, a line the file typed before, the model. */
export type ShownSource = 'note' | 'file' | 'model';

export interface ShownCompletion {
  /** '' when nothing is worth showing. */
  readonly text: string;
  readonly source: ShownSource | null;
}

const NOTHING: ShownCompletion = { text: '', source: null };

export function shownCompletion(
  raw: RawCompletion,
  mode: ShowMode,
  settings: ConfidenceSettings = defaultConfidenceSettings,
): ShownCompletion {
  if (mode === 'off') return NOTHING;
  if (mode === 'always') return keep(raw.completion, raw.copied ? 'note' : 'model', 0);
  const strongSpan = raw.copied !== null && (raw.copied.score ?? 0) >= settings.minSpanScore;
  if (strongSpan) {
    // The span itself is the memory's; what the model typed after it is held to the model's floor.
    const spanEnd = raw.completion.indexOf(raw.copied!.text) + raw.copied!.text.length;
    const kept = confidentPart(raw.completion, raw.pieces, settings.minProbability);
    const end = Math.max(kept.length, spanEnd + callOpening(raw.completion, spanEnd));
    return keep(raw.completion.slice(0, end), 'note', settings.minChars);
  }
  if (mode === 'memory-only') return NOTHING;
  // A weak span's completion is the note's guess, not the model's: only the file's own line is left.
  const completion = raw.copied === null ? raw.completion : '';
  const cuts = completionCuts({
    completion,
    pieces: raw.copied === null ? raw.pieces : [],
    prefix: raw.prefix ?? '',
    repeated: raw.repeated,
  });
  const best = bestCut(cuts, settings.learned);
  return best === null ? NOTHING : keep(best.cut.text, best.cut.source, settings.minChars);
}

/** 1 when a copied name is followed by the model's `(`: the call's opening bracket is shown with
 *  the name (`spawn_blocking(`), what the model puts inside it is not. */
function callOpening(completion: string, spanEnd: number): number {
  return spanEnd > 0 && isNameChar(completion[spanEnd - 1]!) && completion[spanEnd] === '(' ? 1 : 0;
}

function keep(text: string, source: ShownSource, minChars: number): ShownCompletion {
  const trimmed = text.replace(/\s+$/u, '');
  const chars = trimmed.replace(/\s/gu, '').length;
  return chars > 0 && chars >= minChars ? { text: trimmed, source } : NOTHING;
}

/** The completion's longest start whose tokens' probabilities multiply to at least `floor`, cut back
 *  so that it does not end inside a name (`formatC` -> "ents(1);" may keep "ents(", never "en"). */
export function confidentPart(completion: string, pieces: readonly CompletionPiece[], floor: number): string {
  let product = 1;
  let end = 0;
  for (const piece of pieces) {
    product *= piece.probability;
    if (product < floor) break;
    end = Math.max(end, piece.end);
  }
  end = Math.min(end, completion.length);
  while (end > 0 && end < completion.length && isNameChar(completion[end - 1]!) && isNameChar(completion[end]!)) end--;
  return completion.slice(0, end);
}

/** The product of the probabilities of the tokens typing the completion's first `chars` characters
 *  (the replay's calibration reads it per cursor). */
export function probabilityOf(pieces: readonly CompletionPiece[], chars: number): number {
  let product = 1;
  for (const piece of pieces) {
    product *= piece.probability;
    if (piece.end >= chars) break;
  }
  return product;
}
