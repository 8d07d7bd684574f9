// Completions for the tests of the show decision (completionCuts.ts, completionConfidence.ts): a
// completion written as its tokens with their probabilities, and a learned decision that reads only
// the probability and the file line's match, so that the tests do not hang on the fitted coefficients.

import { FILE_FEATURES, LearnedShowSettings, MODEL_FEATURES } from './completionCuts';
import type { CompletionPiece } from './completionPath';

export interface TypedCompletion {
  readonly completion: string;
  readonly pieces: readonly CompletionPiece[];
}

/** The completion the tokens spell, each piece ending where its token ends. */
export function typed(...tokens: readonly (readonly [text: string, probability: number])[]): TypedCompletion {
  let completion = '';
  const pieces = tokens.map(([text, probability]) => {
    completion += text;
    return { end: completion.length, probability };
  });
  return { completion, pieces };
}

/** The same completion with every token at one probability. */
export function allAt<T extends TypedCompletion>(completion: T, probability: number): T {
  return { ...completion, pieces: completion.pieces.map(p => ({ ...p, probability })) };
}

/** A chance that reads only the cut's log probability (sigmoid(4 + 4 log p)) or the file line's match. */
export function onlyProbability(rightBonus: number, minChance: number): LearnedShowSettings {
  const model = MODEL_FEATURES.map(f => (f === 'logProduct' || f === 'bias' ? 4 : 0));
  const file = FILE_FEATURES.map(f => (f === 'logMatch' ? 1 : f === 'bias' ? -3 : 0));
  return { model, file, rightBonus, minChance };
}
