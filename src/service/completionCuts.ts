// Where a completion may be cut for ghost text, and the learned chance that each cut is right. The
// candidates are the completion's first line cut after each generated token (cut back so it does
// not end inside a name), and the rest of a line the file typed before (repeatedLine.ts) cut after
// each of its tokens. Each gets a few features read off what is already computed (the decoder's
// token probabilities, the text before the cursor; no extra model work) and a logistic score
// fitted by replaying real code (scripts/fitShowDecision.ts, decision record
// docs/decisions/2026-12-07-learned-show-decision.md). The shown cut is the one of most worth
// (LearnedShowSettings.rightBonus), when that is more than showing nothing. Pure.

import { isNameChar } from '../memory/text/words';
import type { CompletionPiece } from './completionPath';
import type { RepeatedLine } from './repeatedLine';

export type CutSource = 'model' | 'file';

/** One place the completion could be cut: its text and its features. */
export interface CompletionCut {
  readonly text: string;
  readonly source: CutSource;
  readonly features: readonly number[];
}

/** The features of a model cut, in order (the coefficients' order). */
export const MODEL_FEATURES = [
  'bias',
  'logProduct',
  'minLog',
  'firstLog',
  'lastLog',
  'logTokens',
  'logChars',
  'endsName',
  'endsOpen',
  'endsClose',
  'wholeLine',
  'lineStart',
  'afterDot',
  'afterName',
  'inComment',
  'inString',
  'seenBefore',
] as const;

/** The features of a repeated-line cut, in order. */
export const FILE_FEATURES = [
  'bias',
  'logMatch',
  'logChars',
  'lineShare',
  'wholeLine',
  'modelAgrees',
  'agreeLog',
  'agreeShare',
  'endsName',
  'endsOpen',
  'endsClose',
  'lineStart',
  'afterName',
  'logOccurrences',
  'agreeingShare',
  'matchCoversLine',
] as const;

export interface LearnedShowSettings {
  /** Logistic coefficients over MODEL_FEATURES. */
  readonly model: readonly number[];
  /** Logistic coefficients over FILE_FEATURES. */
  readonly file: readonly number[];
  /** A shown cut's worth: chance x (characters + rightBonus) - rightBonus x minChance, the
   *  characters it types right in expectation with a right one worth rightBonus more and a wrong
   *  one rightBonus x minChance less (the Lagrangian of most characters at a least precision). */
  readonly rightBonus: number;
  /** The chance at which a cut of no characters breaks even; with rightBonus, how sure a shown cut
   *  must be (a long one may be less sure). */
  readonly minChance: number;
}

/** Fitted by scripts/fitShowDecision.ts on 5,015 replayed cursors of training code (20 corpus
 *  packages and 36 packages the model never saw, 5 files each; never the held-out four), the
 *  operating point the most characters saved at a precision of 0.65 there
 *  (docs/decisions/2026-12-07-learned-show-decision.md). */
export const defaultLearnedShowSettings: LearnedShowSettings = {
  model: [1.797, 1.36, 0.211, 0.117, -0.161, 0.197, -0.215, -0.663, -0.234, -0.174, 0.123, -0.114, 0.708, 0.066, -0.005, 0.001, -0.011],
  file: [-5.772, 1.2, -0.665, -0.963, 0.23, 0.846, 0.118, 0.916, -0.056, -0.002, -0.024, -0.49, -0.61, 0.534, 3.514, -0.14],
  rightBonus: 10,
  minChance: 0.7,
};

/** What the cut features read: the completion, its tokens' probabilities, the text before the
 *  cursor, and the file's repeated line with the length of text it matched. */
export interface CutInput {
  readonly completion: string;
  readonly pieces: readonly CompletionPiece[];
  /** The document before the cursor (what the editor sent). */
  readonly prefix: string;
  readonly repeated?: RepeatedLine | null;
}

/** Probabilities are computed until their product falls below 0.05 (completionPath.ts): a cut
 *  needing a smaller product is not offered. */
const PRODUCT_FLOOR = 0.05;
const LOG_FLOOR = Math.log(1e-6);

export function completionCuts(input: CutInput): CompletionCut[] {
  const cuts: CompletionCut[] = [];
  const { completion, pieces } = input;
  const newline = completion.indexOf('\n');
  const lineEnd = newline < 0 ? completion.length : newline;
  const lineBefore = input.prefix.slice(input.prefix.lastIndexOf('\n') + 1);
  const context = contextFeatures(lineBefore);
  const seen = new Set<string>();
  let logProduct = 0;
  let minLog = 0;
  for (const [i, piece] of pieces.entries()) {
    const log = Math.max(LOG_FLOOR, Math.log(piece.probability));
    logProduct += log;
    minLog = Math.min(minLog, log);
    if (Math.exp(logProduct) < PRODUCT_FLOOR) break;
    const end = nameBoundary(completion, Math.min(piece.end, lineEnd));
    const text = completion.slice(0, end).replace(/\s+$/u, '');
    if (text.trim() === '' || seen.has(text)) {
      if (piece.end >= lineEnd) break;
      continue;
    }
    seen.add(text);
    const last = text[text.length - 1]!;
    const firstLog = Math.max(LOG_FLOOR, Math.log(pieces[0]!.probability));
    cuts.push({
      text,
      source: 'model',
      features: [
        1,
        logProduct,
        minLog,
        firstLog,
        log,
        Math.log(i + 1),
        Math.log(1 + visibleChars(text)),
        isNameChar(last) ? 1 : 0,
        /[([{]/u.test(last) ? 1 : 0,
        /[)\]};,]/u.test(last) ? 1 : 0,
        end >= lineEnd ? 1 : 0,
        context.lineStart,
        context.afterDot,
        context.afterName,
        context.inComment,
        context.inString,
        seenBefore(input.prefix, text),
      ],
    });
    if (piece.end >= lineEnd) break;
  }
  const repeated = input.repeated;
  if (repeated && repeated.line.trim() !== '') {
    // The file's line is cut too: an earlier line often goes on the same way for a while only
    // (`return cents(` where this one is `return cents(total)`).
    const line = repeated.line;
    const lineChars = Math.max(1, typedChars(line));
    const model = completion.replace(/^[ \t]+/u, '');
    for (const end of tokenEnds(line)) {
      const text = line.slice(0, end);
      if (text.trim() === '' || seen.has(`file:${text}`)) continue;
      seen.add(`file:${text}`);
      const typed = text.replace(/^[ \t]+/u, '');
      const agree = Math.min(commonPrefix(typed, model), typed.length);
      const last = text[text.length - 1]!;
      cuts.push({
        text,
        source: 'file',
        features: [
          1,
          Math.log(repeated.match),
          Math.log(1 + visibleChars(text)),
          typedChars(text) / lineChars,
          end >= line.length ? 1 : 0,
          agree >= typed.length ? 1 : 0,
          agree > 0 ? Math.max(LOG_FLOOR, logProductTo(pieces, agree)) : 0,
          agree / Math.max(1, typed.length),
          isNameChar(last) ? 1 : 0,
          /[([{]/u.test(last) ? 1 : 0,
          /[)\]};,]/u.test(last) ? 1 : 0,
          context.lineStart,
          context.afterName,
          Math.log(repeated.occurrences ?? 1),
          (repeated.agreeing ?? 1) / Math.max(1, repeated.occurrences ?? 1),
          repeated.match > lineBefore.length ? 1 : 0,
        ],
      });
    }
  }
  return cuts;
}

/** The fitted chance that a cut is right. */
export function cutChance(cut: CompletionCut, settings: LearnedShowSettings = defaultLearnedShowSettings): number {
  const weights = cut.source === 'model' ? settings.model : settings.file;
  let z = 0;
  for (const [i, x] of cut.features.entries()) z += (weights[i] ?? 0) * x;
  return 1 / (1 + Math.exp(-z));
}

/** The cut of most worth (LearnedShowSettings.rightBonus), when its worth is above nothing's (0);
 *  null when no cut's is. */
export function bestCut(
  cuts: readonly CompletionCut[],
  settings: LearnedShowSettings = defaultLearnedShowSettings,
): { readonly cut: CompletionCut; readonly chance: number } | null {
  let best: { cut: CompletionCut; chance: number } | null = null;
  let bestValue = 0;
  for (const cut of cuts) {
    const chance = cutChance(cut, settings);
    const value = chance * (typedChars(cut.text) + settings.rightBonus) - settings.rightBonus * settings.minChance;
    if (value > bestValue) {
      best = { cut, chance };
      bestValue = value;
    }
  }
  return best;
}

function contextFeatures(lineBefore: string) {
  const last = lineBefore.replace(/\s+$/u, '').slice(-1);
  const code = lineBefore.trimStart();
  return {
    lineStart: lineBefore.trim() === '' ? 1 : 0,
    afterDot: last === '.' ? 1 : 0,
    afterName: last !== '' && isNameChar(last) && !/\s$/u.test(lineBefore) ? 1 : 0,
    // Prose: the small model rarely guesses a comment's words.
    inComment: /^(?:\/\/|\/?\*)/u.test(code) || lineBefore.includes(' // ') ? 1 : 0,
    // An odd number of quotes of one kind before the cursor: inside a string.
    inString: ['"', "'", '`'].some(q => (lineBefore.split(q).length - 1) % 2 === 1) ? 1 : 0,
  };
}

/** 1 when the cut's name-like text (3+ characters, spaces trimmed) already occurs before the
 *  cursor: code reuses its names, and the model copying one is more often right. */
function seenBefore(prefix: string, text: string): number {
  const word = text.trim();
  return word.length >= 3 && prefix.includes(word) ? 1 : 0;
}

/** The ends of a line's tokens (a name or number, or one other mark), after its leading space. */
function tokenEnds(line: string): number[] {
  const ends: number[] = [];
  const token = /[\p{L}\p{N}_$]+|[^\s\p{L}\p{N}_$]/gu;
  for (let m = token.exec(line); m !== null; m = token.exec(line)) ends.push(m.index + m[0].length);
  return ends;
}

/** `end` moved back so that the text does not end inside a name that goes on after it. */
function nameBoundary(text: string, end: number): number {
  let at = Math.min(end, text.length);
  while (at > 0 && at < text.length && isNameChar(text[at - 1]!) && isNameChar(text[at]!)) at--;
  return at;
}

/** Sum of log probabilities of the tokens typing the first `chars` characters. */
function logProductTo(pieces: readonly CompletionPiece[], chars: number): number {
  let sum = 0;
  for (const piece of pieces) {
    sum += Math.max(LOG_FLOOR, Math.log(piece.probability));
    if (piece.end >= chars) break;
  }
  return sum;
}

function commonPrefix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

/** The characters a cut types, leading spaces and tabs dropped (what the replay counts saved). */
function typedChars(text: string): number {
  return text.replace(/^[ \t]+/u, '').length;
}

function visibleChars(text: string): number {
  return text.replace(/\s/gu, '').length;
}
