// The token layouts the model is trained on and prompted with. The corpus builder, the chat path,
// inline completion and the memory writer all build sequences here so they cannot drift apart.
//
//   file:      <|file|>{path}\n{contents}<|endoftext|>
//   exchange:  (<|note|>{note})* <|question|>{question}<|answer|>{answer}<|endoftext|>
//
// Text segments are trimmed and encoded as ordinary text (markers inside them stay text). A
// prompt for generation is the same layout cut right after <|answer|> (chat) or inside the file
// contents (completion); generation stops at <|endoftext|>. See src/model/README.md.

import { SpecialToken } from './specialTokens';
import { Tokenizer } from './tokenizer';

export interface Exchange {
  /** Notes placed in the context, in order; empty when the answer must come from memory. */
  readonly notes: readonly string[];
  readonly question: string;
}

/** A whole file as a training document. */
export function formatFile(tokenizer: Tokenizer, filePath: string, contents: string): number[] {
  return [...formatCompletionPrompt(tokenizer, filePath, contents), SpecialToken.endOfText];
}

/** The prompt for completing a file at the cursor: everything before the cursor, no end marker. */
export function formatCompletionPrompt(tokenizer: Tokenizer, filePath: string, prefix: string): number[] {
  return [SpecialToken.file, ...tokenizer.encode(`${filePath.trim()}\n${prefix}`)];
}

/** The prompt for a chat answer: notes, question, then <|answer|>; the model continues from there. */
export function formatAnswerPrompt(tokenizer: Tokenizer, exchange: Exchange): number[] {
  const ids: number[] = [];
  for (const note of exchange.notes) ids.push(SpecialToken.note, ...tokenizer.encode(note.trim()));
  ids.push(SpecialToken.question, ...tokenizer.encode(exchange.question.trim()), SpecialToken.answer);
  return ids;
}

/** A complete exchange as a training document (the prompt, the answer, <|endoftext|>). */
export function formatExchange(tokenizer: Tokenizer, exchange: Exchange, answer: string): number[] {
  return [...formatAnswerPrompt(tokenizer, exchange), ...tokenizer.encode(answer.trim()), SpecialToken.endOfText];
}
