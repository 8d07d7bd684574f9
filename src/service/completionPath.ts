// The completion path: `<|file|>{path}\n{prefix}` with the prefix cut to its last whole lines that
// fit a token budget (whole lines keep the prompt's start stable across keystrokes, so the KV cache
// is reused), the last token healed, greedy decoding, and the stop rule of completionStops.ts.
// For the `prompt` baseline, notes go before the file as <|note|> segments. With the keyed note
// memory, a note's span that fits the cursor (memory/copy/spanCopy.ts) is typed first and the model
// goes on from it; the model's own tokens never read the note slots. Returns the copied span, for
// provenance.

import { formatCompletionPrompt } from '../model/chatFormat';
import { SpecialToken } from '../model/specialTokens';
import type { Tokenizer } from '../model/tokenizer';
import { CopiedSpan, DecodingRunner, SPECIAL_STOP_TOKENS } from './chatPath';
import { CompletionShape, completionShape, cutCompletion, trimUnfinished } from './completionStops';
import { loopCut } from './repetition';
import { healPrompt, vocabularyBytes } from './tokenHealing';

export interface CompletionInput {
  readonly filePath: string;
  /** The document text before the cursor. */
  readonly prefix: string;
  /** Notes pasted before the file (the `prompt` baseline); empty for the memory path. */
  readonly notes: readonly string[];
  /** Most generated tokens; default by shape (a line or a block). */
  readonly maxTokens?: number;
  /** Most prefix tokens in the prompt. Default 256. */
  readonly maxPrefixTokens?: number;
  readonly signal?: AbortSignal;
}

export interface CompletionOutput {
  readonly completion: string;
  readonly shape: CompletionShape['kind'];
  readonly tokens: number;
  readonly ms: number;
  readonly memoryContextTokens: number;
  /** Prompt tokens reused from the previous request's cache. */
  readonly reusedTokens: number;
  /** The note span the completion starts with, and its tokens, when one was copied. */
  readonly copied: (CopiedSpan & { readonly tokens: number }) | null;
  /** Each generated token's probability and where the completion text stands after it: what
   *  completionConfidence.ts cuts the shown part by. */
  readonly pieces: readonly CompletionPiece[];
}

/** A generated token: the completion's length once it is typed (capped at the final text), and its
 *  probability (1 for a token of a copied span). */
export interface CompletionPiece {
  readonly end: number;
  readonly probability: number;
}

export const DEFAULT_PREFIX_TOKENS = 256;
const DEFAULT_LINE_TOKENS = 24;
// Blocks: 32 tokens, whole lines kept (trimUnfinished). With 48, `npm run bench` gave completion
// p50 36.4 / p95 159.8 ms (budget 150); with 32, 38.9 / 116.1 and 38.8 / 124.9 (session 5, training
// paused): the p95 is the block requests that ran to their budget.
const DEFAULT_BLOCK_TOKENS = 32;
/** Token probabilities are computed until they multiply to less than this: below any floor the
 *  show decision uses (completionConfidence.ts), so what is cut off there is never read. */
const PROBABILITY_FLOOR = 0.05;

export async function completeCode(runner: DecodingRunner, input: CompletionInput): Promise<CompletionOutput> {
  const started = performance.now();
  const { tokenizer, session } = runner;
  const shape = completionShape(input.prefix);
  const maxTokens = input.maxTokens ?? (shape.kind === 'line' ? DEFAULT_LINE_TOKENS : DEFAULT_BLOCK_TOKENS);
  const budget = Math.min(input.maxPrefixTokens ?? DEFAULT_PREFIX_TOKENS, session.capacity - maxTokens - 64);
  const header = formatCompletionPrompt(tokenizer, input.filePath, '');
  const code = codePrompt(tokenizer, input.filePath, input.prefix, Math.max(8, budget));
  const notes: number[] = [];
  for (const note of input.notes) {
    const segment = [SpecialToken.note, ...tokenizer.encode(note.trim())];
    if (notes.length + segment.length + code.length + maxTokens >= session.capacity) break;
    notes.push(...segment);
  }
  const copy = runner.copySpan && notes.length === 0 ? copiedSpan(runner, input.filePath, input.prefix, code, header.length) : null;
  const healed = copy ?? { ...healPrompt(tokenizer, [...notes, ...code], notes.length + header.length), forced: undefined };

  let cut = { text: '', done: false };
  const ends: number[] = [];
  const result = await session.decode(healed.prompt, runner.memoryVersion, {
    maxTokens,
    stopTokens: SPECIAL_STOP_TOKENS,
    allowFirst: healed.allowFirst,
    forced: healed.forced,
    signal: input.signal,
    // No keyed memory read: code reaches a note only through its copied span
    // (docs/decisions/2026-12-07-code-reads-no-slots.md).
    probabilityFloor: PROBABILITY_FLOOR,
    onToken: (_token, tokens) => {
      // A completion that starts looping ("${key} ${key} ...") ends after its first copy.
      const loop = loopCut(tokens);
      const kept = loop === null ? tokens : tokens.slice(0, loop);
      cut = cutCompletion(tokenizer.decode(kept).slice(healed.removedText.length), shape);
      if (copy) cut = endOfCopiedWord(cut, copy.span.text);
      ends.push(cut.text.length);
      return cut.done || loop !== null;
    },
  });
  input.signal?.throwIfAborted();
  const completion = result.stop === 'max_tokens' || result.stop === 'context' ? trimUnfinished(cut.text, shape) : cut.text;
  return {
    completion,
    shape: shape.kind,
    tokens: result.tokens.length,
    ms: performance.now() - started,
    memoryContextTokens: notes.length,
    reusedTokens: result.reusedTokens,
    copied: copy ? { ...copy.span, tokens: copy.forced.length } : null,
    pieces: ends.map((end, i) => ({ end: Math.min(end, completion.length), probability: result.probabilities[i] ?? 0 })),
  };
}

/** After a copied span the completion ends with the span's word (its call parentheses, a comma):
 *  what the memory knew is typed, and a guess of the model's beyond it would read as remembered. */
function endOfCopiedWord(cut: { text: string; done: boolean }, span: string): { text: string; done: boolean } {
  const space = cut.text.slice(span.length).search(/\s/u);
  return space < 0 ? cut : { text: cut.text.slice(0, span.length + space), done: true };
}

/** A note's span to type first (runner.copySpan), as a prompt cut back to where the span's tokens
 *  part from the prompt's ("window." + "guardianPolyfilledImport" may merge across the cursor), the
 *  tokens to force, and the prompt text they type again. Null when no span fits. */
function copiedSpan(runner: DecodingRunner, filePath: string, prefix: string, code: readonly number[], headerLength: number) {
  const { tokenizer } = runner;
  // code[0] is <|file|>; the rest is `${filePath}\n` and the kept code, whose tokens may merge
  // across the newline, so the text is taken whole.
  const text = tokenizer.decode(code.slice(1));
  const span = runner.copySpan!(text, prefix, filePath);
  if (span === null) return null;
  const full = [code[0]!, ...tokenizer.encode(text + span.text)];
  let shared = 0;
  while (shared < code.length && shared < full.length && code[shared] === full[shared]) shared++;
  shared = Math.min(shared, code.length);
  if (shared <= headerLength || shared >= full.length) return null;
  return {
    prompt: code.slice(0, shared),
    removedText: tokenizer.decode(code.slice(shared)),
    allowFirst: afterSpan(tokenizer, span.text),
    forced: full.slice(shared),
    span,
  };
}

/** What the model may type right after a copied span: a span that ends a name (`async_set_unique_id`)
 *  is followed by what is not part of one (its `(`), so the model cannot glue on "entifier"; a
 *  pattern's start (`/_healthcheck_`) by the name that fills it, not by a `<placeholder>`. */
function afterSpan(tokenizer: Tokenizer, span: string): (token: number) => boolean {
  const vocabulary = vocabularyBytes(tokenizer);
  const open = !/[\p{L}\p{N}]$/u.test(span);
  return token => {
    const first = vocabulary[token]?.[0];
    return first === undefined ? !open : isNameByte(first) === open; // a special token may end the completion after a whole name
  };
}

function isNameByte(byte: number): boolean {
  return (
    (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || byte === 0x5f || byte >= 0x80
  );
}

/**
 * `<|file|>{path}\n` and the prefix's last whole lines within `budget` tokens; a single line longer
 * than that keeps its last `budget` tokens.
 */
export function codePrompt(tokenizer: Tokenizer, filePath: string, prefix: string, budget: number): number[] {
  const lines = prefix.split('\n');
  let start = lines.length - 1;
  let used = tokenizer.encode(lines[start]!).length;
  while (start > 0) {
    const more = tokenizer.encode(`${lines[start - 1]!}\n`).length;
    if (used + more > budget) break;
    used += more;
    start--;
  }
  const kept = lines.slice(start).join('\n');
  const prompt = formatCompletionPrompt(tokenizer, filePath, kept);
  if (used <= budget) return prompt;
  const header = formatCompletionPrompt(tokenizer, filePath, '');
  return [...header, ...tokenizer.encode(kept).slice(-budget)];
}
