// A training sequence for a note write, and how it becomes token ids. Sequences are built as
// text (augment.ts) in one of the model's two layouts, then encoded here with the model's own
// chat format functions so the writer trains on exactly what the chat and completion paths read:
//
//   exchange:  <|question|>{question}<|answer|>{answer}<|endoftext|>   (closed book: no <|note|>)
//   file:      <|file|>{path}\n{contents}<|endoftext|>

import { formatExchange, formatFile } from '../../model/chatFormat';
import { SPECIAL_TOKEN_TEXT } from '../../model/specialTokens';
import type { Tokenizer } from '../../model/tokenizer';

/** Which augmentation produced a sequence (for weighting, ablations and tests). */
export type SequenceForm = 'note' | 'qa' | 'cloze' | 'why' | 'comment' | 'identifier' | 'cue' | 'fallback';

export type TrainingSequence =
  | { readonly form: SequenceForm; readonly layout: 'exchange'; readonly question: string; readonly answer: string }
  | { readonly form: SequenceForm; readonly layout: 'file'; readonly path: string; readonly contents: string };

/** Token ids of a sequence, in the model's layouts; special markers are ids, never text. */
export function encodeTrainingSequence(tokenizer: Tokenizer, sequence: TrainingSequence): number[] {
  return sequence.layout === 'exchange'
    ? formatExchange(tokenizer, { notes: [], question: sequence.question }, sequence.answer)
    : formatFile(tokenizer, sequence.path, sequence.contents);
}

/**
 * Index of the first token the loss should count: the answer of an exchange (the question is
 * the cue), the whole contents of a file. `ids` must come from encodeTrainingSequence.
 */
export function lossStart(tokenizer: Tokenizer, sequence: TrainingSequence, ids: readonly number[]): number {
  if (sequence.layout === 'file') return 1;
  return ids.indexOf(tokenizer.encode(SPECIAL_TOKEN_TEXT.answer, { allowSpecial: true })[0]!) + 1;
}

/** The sequence as readable text with literal markers (logs, tests, the inspector). */
export function sequenceText(sequence: TrainingSequence): string {
  const t = SPECIAL_TOKEN_TEXT;
  return sequence.layout === 'exchange'
    ? `${t.question}${sequence.question.trim()}${t.answer}${sequence.answer.trim()}${t.endOfText}`
    : `${t.file}${sequence.path.trim()}\n${sequence.contents}${t.endOfText}`;
}
