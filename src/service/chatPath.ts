// The chat path: a question in the closed-book layout (src/model/chatFormat.ts), or with notes
// pasted before it for the `prompt` baseline, answered greedily with the KV cache until
// <|endoftext|> (or any other marker) and streamed as text. Returns what the question and the
// answer read from memory, for provenance. Knows nothing of stores: callers pick the notes.

import type { NoteId } from '../memory/note';
import { formatAnswerPrompt } from '../model/chatFormat';
import { isSpecialToken, VOCAB_SIZE } from '../model/specialTokens';
import type { Tokenizer } from '../model/tokenizer';
import { DecodeOptions, DecodeStop, DecodingSession } from './decodingSession';
import { loopCut } from './repetition';

/** A span of a note that a completion types first. */
export interface CopiedSpan {
  readonly note: NoteId;
  readonly text: string;
  /** How strongly the memory proposed it (spanCopy.ts's score: the note's gate times the span's fit). */
  readonly score?: number;
}

export interface DecodingRunner {
  readonly tokenizer: Tokenizer;
  readonly session: DecodingSession;
  /** Version of the memory rows the model runs with (a change empties the session's cache). */
  readonly memoryVersion: number;
  /** The keyed note memory's read at the output (decodingSession.ts), when the mode reads it. */
  readonly readout?: DecodeOptions['readout'];
  /** The note span a completion should type next (memory/spanCopy.ts), when the mode reads the
   *  keyed note memory: `gateText` is the prompt's file path and code, `prefix` the code before the
   *  cursor, `filePath` the file's path. Returns null when no note's span fits. */
  readonly copySpan?: (gateText: string, prefix: string, filePath: string) => CopiedSpan | null;
}

export interface ChatInput {
  readonly question: string;
  /** Notes pasted into the context (the `prompt` baseline); empty for the memory path. */
  readonly notes: readonly string[];
  readonly maxTokens: number;
  readonly signal?: AbortSignal;
  /** Receives answer text as soon as it is decoded. */
  readonly onText?: (text: string) => void;
}

export interface ChatOutput {
  readonly answer: string;
  readonly tokens: number;
  readonly stop: DecodeStop;
  readonly firstTokenMs: number;
  readonly totalMs: number;
  /** Prompt tokens spent on pasted notes. */
  readonly memoryContextTokens: number;
  /** Notes that fitted into the context, in order (a prefix of the input's notes). */
  readonly notesUsed: number;
}

export const DEFAULT_ANSWER_TOKENS = 96;
/** Tokens held back from the stream until a loop check has seen them (see repetition.ts). */
const STREAM_LAG = 8;

/** Every special id ends an answer: the model has nothing more to say once it opens a new segment. */
export const SPECIAL_STOP_TOKENS: ReadonlySet<number> = new Set(Array.from({ length: VOCAB_SIZE }, (_, id) => id).filter(isSpecialToken));

export async function answerQuestion(runner: DecodingRunner, input: ChatInput): Promise<ChatOutput> {
  const started = performance.now();
  const { tokenizer, session } = runner;
  const budget = session.capacity - input.maxTokens;
  const bare = formatAnswerPrompt(tokenizer, { notes: [], question: input.question });
  let notesUsed = input.notes.length;
  let prompt = formatAnswerPrompt(tokenizer, { notes: input.notes, question: input.question });
  while (prompt.length > budget && notesUsed > 0) {
    notesUsed--;
    prompt = formatAnswerPrompt(tokenizer, { notes: input.notes.slice(0, notesUsed), question: input.question });
  }
  // A question longer than the context keeps its end (where the ask usually is) and its markers.
  if (prompt.length > budget) prompt = [prompt[0]!, ...prompt.slice(prompt.length - Math.max(2, budget) + 1)];
  const memoryContextTokens = prompt.length - Math.min(prompt.length, bare.length);

  // Text is streamed a few tokens behind decoding, so a short loop cut off at the end is never
  // shown; a longer one may show part of its second copy before the cut (the result's answer is
  // what counts, and is a prefix of what was streamed).
  const stream = tokenizer.createStreamDecoder();
  let streamed = 0;
  const flushUpTo = (end: number) => {
    for (; streamed < end; streamed++) {
      const text = stream.push(generated[streamed]!);
      if (text && input.onText) input.onText(text);
    }
  };
  const generated: number[] = [];
  let keep: number | null = null;
  const result = await session.decode(prompt, runner.memoryVersion, {
    maxTokens: input.maxTokens,
    stopTokens: SPECIAL_STOP_TOKENS,
    signal: input.signal,
    readout: runner.readout,
    // With notes to read, an answer starts: an empty one would say nothing of what is remembered.
    allowFirst: runner.readout ? token => !isSpecialToken(token) : undefined,
    onToken: (token, tokens) => {
      generated.push(token);
      keep = loopCut(tokens);
      if (keep !== null) return true;
      flushUpTo(Math.max(0, tokens.length - STREAM_LAG));
      return false;
    },
  });
  const answerTokens = keep === null ? result.tokens : result.tokens.slice(0, keep);
  flushUpTo(answerTokens.length);
  const tail = stream.flush();
  if (tail && input.onText) input.onText(tail);
  input.signal?.throwIfAborted();
  return {
    answer: tokenizer.decode(answerTokens).trim(),
    tokens: answerTokens.length,
    stop: result.stop,
    firstTokenMs: result.firstTokenMs,
    totalMs: performance.now() - started,
    memoryContextTokens,
    notesUsed,
  };
}
