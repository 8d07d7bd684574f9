// Which part of a completion to show as ghost text. Most keystrokes are not where the small model
// knows what comes next, and ghost text that is wrong most of the time gets turned off. So the
// shown part is the completion's start while the model's own probability of it (the product of its
// tokens' probabilities) stays above a calibrated floor, cut back to a whole name or up to a bracket;
// a span copied from a note shows only when the memory proposed it strongly enough (its score,
// spanCopy.ts), with what the model typed after it held to the same floor. Nothing left: nothing
// shown. Pure; the floors are calibrated by `mnemo eval --replay` (docs/decisions/2026-12-07-ghost-text-confidence.md).

import type { CompletionPiece } from './completionPath';

/** What the user asked to see: `confident` (the default), every completion, only a note's span, nothing. */
export type ShowMode = 'confident' | 'always' | 'memory-only' | 'off';
export const SHOW_MODES: readonly ShowMode[] = ['confident', 'always', 'memory-only', 'off'];

export interface ConfidenceSettings {
  /** Least probability of the shown part's tokens, multiplied (the model's chance it is right). */
  readonly minProbability: number;
  /** Least score of a copied note span (spanCopy.ts; its copy threshold is 0.25). */
  readonly minSpanScore: number;
  /** Least characters other than whitespace a shown part has. */
  readonly minChars: number;
}

export const defaultConfidenceSettings: ConfidenceSettings = { minProbability: 0.5, minSpanScore: 0.25, minChars: 1 };

/** The parts of a completion the decision reads (completionPath.ts's output). */
export interface RawCompletion {
  readonly completion: string;
  readonly pieces: readonly CompletionPiece[];
  /** The copied note span the completion starts with, and how strongly the memory proposed it. */
  readonly copied: { readonly text: string; readonly score?: number } | null;
}

export interface ShownCompletion {
  readonly text: string;
  /** Whether the shown text starts with a note's span (its provenance is shown with it). */
  readonly fromNote: boolean;
}

const NOTHING: ShownCompletion = { text: '', fromNote: false };

export function shownCompletion(raw: RawCompletion, mode: ShowMode, settings: ConfidenceSettings = defaultConfidenceSettings): ShownCompletion {
  if (mode === 'off' || raw.completion.trim() === '') return NOTHING;
  if (mode === 'always') return { text: raw.completion, fromNote: raw.copied !== null };
  if (raw.copied === null) return mode === 'memory-only' ? NOTHING : keep(confidentPart(raw.completion, raw.pieces, settings.minProbability), false, settings);
  if (mode === 'confident' && (raw.copied.score ?? 0) < settings.minSpanScore) return NOTHING;
  // The span itself is the memory's; what the model typed after it is held to the model's floor.
  const spanEnd = raw.completion.indexOf(raw.copied.text) + raw.copied.text.length;
  const kept = confidentPart(raw.completion, raw.pieces, settings.minProbability);
  return keep(kept.length >= spanEnd ? kept : raw.completion.slice(0, spanEnd), true, settings);
}

function keep(text: string, fromNote: boolean, settings: ConfidenceSettings): ShownCompletion {
  const trimmed = text.replace(/\s+$/u, '');
  return trimmed.replace(/\s/gu, '').length >= settings.minChars ? { text: trimmed, fromNote } : NOTHING;
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

function isNameChar(ch: string): boolean {
  return /[\p{L}\p{N}_$]/u.test(ch);
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
