// Scoring of an eval run, as the public set's README defines it: text normalisation,
// answer_recall (with its stop words), answer_contains, provenance@1/@3, completion_exact,
// retention, forgetting, latency percentiles, and the per-method report shape. Pure functions;
// the runner (mnemo eval) collects the raw outcomes and passes them here.
//
// Two readings of the README made explicit here (and in src/memory/README.md):
// - "punctuation" is Unicode punctuation and symbols (\p{P}, \p{S}: , ; : ! ? ( ) " ' + = < > | ≥ ...)
//   except '.', '_', '-', '/'; so "MariaDB≥10.3" gives the words "mariadb" and "10.3".
// - A word's trailing dots are sentence punctuation and are dropped ("transaction.id." ->
//   "transaction.id"), on both the answer and the reference. Words are compared as sets.

import { ANSWER_STOP_WORDS } from '../memory/text/stopWords';

export const QUESTION_STYLES = ['direct', 'paraphrase', 'indirect'] as const;

/** Lowercase, NFKC, punctuation except . _ - / to spaces, single spaces, trimmed. */
export function normalizeText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\P{P}._\-/]|\p{S}/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Normalised words, trailing dots dropped, empty words removed. */
export function normalizedWords(text: string): string[] {
  return normalizeText(text)
    .split(' ')
    .map(word => word.replace(/\.+$/, ''))
    .filter(word => word.length > 0);
}

/**
 * Share of the reference answer's words (stop words removed; all words if only stop words remain)
 * found among the generated answer's words. null when the reference has no words at all.
 */
export function answerRecall(generated: string, reference: string): number | null {
  const referenceWords = new Set(normalizedWords(reference));
  const content = [...referenceWords].filter(word => !ANSWER_STOP_WORDS.has(word));
  const wanted = content.length > 0 ? content : [...referenceWords];
  if (wanted.length === 0) return null;
  const have = new Set(normalizedWords(generated));
  return wanted.filter(word => have.has(word)).length / wanted.length;
}

/** Whether the generated answer contains the whole normalised reference, as a run of whole words. */
export function answerContains(generated: string, reference: string): boolean {
  const want = normalizedWords(reference);
  if (want.length === 0) return false;
  const have = normalizedWords(generated);
  for (let i = 0; i + want.length <= have.length; i++) {
    if (want.every((word, j) => have[i + j] === word)) return true;
  }
  return false;
}

/** Whether `expected` is among the first `k` cited notes. */
export function provenanceHit(cited: readonly string[], expected: string, k: number): boolean {
  return cited.slice(0, k).includes(expected);
}

/** The completion, leading whitespace dropped, starts with the expected text (its leading whitespace dropped too). */
export function completionExact(completion: string, expected: string): boolean {
  return completion.replace(/^\s+/, '').startsWith(expected.replace(/^\s+/, ''));
}

/** Recall after all writes over recall right after each write; null when the latter is 0 or missing. */
export function retention(afterAll: readonly number[], rightAfter: readonly number[]): number | null {
  const before = mean(rightAfter);
  const after = mean(afterAll);
  if (before === null || after === null || before === 0) return null;
  return after / before;
}

/** Relative change of held-out loss: (after - before) / before. */
export function forgetting(lossBefore: number, lossAfter: number): number {
  return (lossAfter - lossBefore) / lossBefore;
}

export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** Percentile with linear interpolation between closest ranks (numpy's default); null when empty. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

export interface Percentiles {
  readonly p50: number | null;
  readonly p95: number | null;
}

export function latencySummary(values: readonly number[]): Percentiles {
  return { p50: percentile(values, 50), p95: percentile(values, 95) };
}

// ---- the report of one method ----

export interface QuestionOutcome {
  readonly style: string;
  /** The generated answer. */
  readonly answer: string;
  readonly reference: string;
  /** Id of the note that answers it. */
  readonly expectedNote: string;
  /** Notes the method cited, best first; null when it cannot cite (the `none` baseline). */
  readonly cited: readonly string[] | null;
  /** The method said no remembered note covers the question (absent: it answered). */
  readonly abstained?: boolean;
}

/** A question no written note answers: from unanswerable.jsonl (near, general), or (leave-out) a
 *  question about a note that was forgotten before it was asked. */
export interface UnanswerableOutcome {
  readonly style: string;
  readonly abstained: boolean;
  readonly cited: readonly string[] | null;
  /** Leave-out only: the forgotten note the question was written for. */
  readonly forgottenNote?: string;
  /** For --details. */
  readonly question?: string;
  readonly answer?: string;
}

export interface CompletionOutcome {
  readonly completion: string;
  readonly expected: string;
}

export interface MethodRun {
  readonly questions: readonly QuestionOutcome[];
  readonly completions: readonly CompletionOutcome[];
  /** Recalls on the first notes' questions; null when the method has no writes to retain. */
  readonly retention: { readonly afterAll: readonly number[]; readonly rightAfter: readonly number[] } | null;
  /** Held-out code loss before and after all writes; null when not measured. */
  readonly heldOutLoss: { readonly before: number; readonly after: number } | null;
  readonly writeMs: readonly number[];
  readonly askMs: readonly number[];
  readonly completeMs: readonly number[];
  /** Context tokens spent on memory, per ask/complete. */
  readonly memoryContextTokens: readonly number[];
  /** unanswerable.jsonl's questions (absent or empty when the set has none). */
  readonly unanswerable?: readonly UnanswerableOutcome[];
  /** Questions asked after their note was forgotten (absent when the method cannot forget). */
  readonly leaveOut?: readonly UnanswerableOutcome[];
}

export interface MethodReport {
  readonly answer_recall: Readonly<Record<string, number | null>> & {
    readonly all: number | null;
    readonly direct: number | null;
    readonly paraphrase: number | null;
    readonly indirect: number | null;
  };
  readonly answer_contains: number | null;
  readonly provenance_at_1: number | null;
  readonly provenance_at_3: number | null;
  readonly completion_exact: number | null;
  readonly retention: number | null;
  readonly forgetting: number | null;
  readonly write_ms: Percentiles;
  readonly ask_ms: Percentiles;
  readonly complete_ms: Percentiles;
  readonly memory_context_tokens: number | null;
  /** Share of unanswerable questions answered with an abstention, by style (near, general) and all. */
  readonly abstain_rate: Readonly<Record<string, number | null>>;
  /** Share of answerable questions answered with an abstention, by question style and all. */
  readonly false_abstain_rate: Readonly<Record<string, number | null>>;
  /** Share of unanswerable questions whose answer cites any note; null without unanswerable
   *  questions or when the method cannot cite. */
  readonly false_citations: number | null;
  /** Questions asked after their note was forgotten (every third note; a set-independent "near"
   *  check): abstain_rate by their question style and all, false_citations (cites any note),
   *  cites_forgotten (cites the forgotten note: must be 0). null when not run. */
  readonly leave_out: {
    readonly questions: number;
    readonly abstain_rate: Readonly<Record<string, number | null>>;
    readonly false_citations: number | null;
    readonly cites_forgotten: number | null;
  } | null;
}

export type MethodName = 'mnemo' | 'none' | 'prompt' | 'full_finetune';

export interface EvalReport {
  readonly set: string;
  readonly notes: number;
  readonly distractors: number;
  readonly questions: number;
  readonly completions: number;
  readonly methods: Readonly<Record<MethodName, MethodReport>>;
}

const share = (flags: readonly boolean[]) => (flags.length === 0 ? null : flags.filter(Boolean).length / flags.length);

export function scoreMethod(run: MethodRun): MethodReport {
  const recalls = run.questions.map(q => ({ style: q.style, recall: answerRecall(q.answer, q.reference) }));
  const recallOf = (style?: string) =>
    mean(recalls.filter(r => r.recall !== null && (style === undefined || r.style === style)).map(r => r.recall!));
  const styles = [...new Set([...QUESTION_STYLES, ...run.questions.map(q => q.style)])];
  const byStyle = Object.fromEntries(styles.map(style => [style, recallOf(style)]));
  const citing = run.questions.every(q => q.cited !== null);
  return {
    answer_recall: { all: recallOf(), direct: null, paraphrase: null, indirect: null, ...byStyle },
    answer_contains: share(run.questions.map(q => answerContains(q.answer, q.reference))),
    provenance_at_1: citing ? share(run.questions.map(q => provenanceHit(q.cited!, q.expectedNote, 1))) : null,
    provenance_at_3: citing ? share(run.questions.map(q => provenanceHit(q.cited!, q.expectedNote, 3))) : null,
    completion_exact: share(run.completions.map(c => completionExact(c.completion, c.expected))),
    retention: run.retention ? retention(run.retention.afterAll, run.retention.rightAfter) : null,
    forgetting: run.heldOutLoss ? forgetting(run.heldOutLoss.before, run.heldOutLoss.after) : null,
    write_ms: latencySummary(run.writeMs),
    ask_ms: latencySummary(run.askMs),
    complete_ms: latencySummary(run.completeMs),
    memory_context_tokens: mean(run.memoryContextTokens),
    abstain_rate: rateByStyle(run.unanswerable ?? [], ['near', 'general'], u => u.abstained),
    false_abstain_rate: rateByStyle(run.questions, QUESTION_STYLES, q => q.abstained === true),
    false_citations: citingShare(run.unanswerable ?? []),
    leave_out:
      run.leaveOut === undefined
        ? null
        : {
            questions: run.leaveOut.length,
            abstain_rate: rateByStyle(run.leaveOut, QUESTION_STYLES, u => u.abstained),
            false_citations: citingShare(run.leaveOut),
            cites_forgotten: share(run.leaveOut.map(u => u.forgottenNote !== undefined && (u.cited ?? []).includes(u.forgottenNote))),
          },
  };
}

/** Share of items where `flag` holds, per style (the listed ones always present, null when none)
 *  and over all. */
function rateByStyle<T extends { readonly style: string }>(
  items: readonly T[],
  styles: readonly string[],
  flag: (item: T) => boolean,
): Record<string, number | null> {
  const rate = (subset: readonly T[]) => (subset.length === 0 ? null : subset.filter(flag).length / subset.length);
  const all = [...new Set([...styles, ...items.map(i => i.style)])];
  return { all: rate(items), ...Object.fromEntries(all.map(style => [style, rate(items.filter(i => i.style === style))])) };
}

/** Share of the questions whose answer cites any note; null when there are none or the method cannot cite. */
function citingShare(items: readonly UnanswerableOutcome[]): number | null {
  if (items.length === 0 || items.some(u => u.cited === null)) return null;
  return items.filter(u => u.cited!.length > 0).length / items.length;
}
