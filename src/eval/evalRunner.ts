// Runs an eval set against each method ("subject") in the order the public README prescribes and
// scores it with evalScore.ts. A subject is whatever can write notes, answer questions and complete
// code: the CLI builds them from the service's chat and completion paths (this layer cannot import
// the service), so the runner owns only order, timing and scoring:
//
//   held-out loss before -> write every note, then every distractor, in file order (asking the first
//   20 notes' questions right after each is written) -> ask every question -> run every completion
//   probe -> held-out loss after.
//
// Methods without writes (none, prompt) skip the writes, the right-after asks and the loss.

import type { EvalCompletion, EvalNote, EvalQuestion, EvalSet } from './evalSet';
import {
  answerRecall,
  completionExact,
  EvalReport,
  MethodName,
  MethodReport,
  MethodRun,
  QuestionOutcome,
  scoreMethod,
  UnanswerableOutcome,
} from './evalScore';

export interface SubjectAnswer {
  readonly text: string;
  /** Note ids cited, best first; null when the method cannot cite. */
  readonly cited: readonly string[] | null;
  /** Context tokens spent on memory for this query. */
  readonly memoryContextTokens: number;
  /** The method said no remembered note covers the question (absent: it answered). */
  readonly abstained?: boolean;
}

export interface EvalSubject {
  /** Writes one note (or distractor); absent for methods that keep nothing. */
  write?(note: EvalNote): Promise<void>;
  ask(question: EvalQuestion): Promise<SubjectAnswer>;
  complete(completion: EvalCompletion): Promise<SubjectAnswer>;
  /** Held-out code loss of the model as it is now; absent when not measured. */
  heldOutLoss?(): Promise<number>;
  /** Forgets a written note (the leave-out check); absent for methods that cannot. */
  forget?(noteId: string): Promise<void>;
  dispose?(): Promise<void>;
}

export type SubjectFactory = () => Promise<EvalSubject>;

export const METHOD_NAMES: readonly MethodName[] = ['mnemo', 'none', 'prompt', 'full_finetune'];

export interface EvalRunOptions {
  /** Only the first N notes (and N distractors), their questions and completions. */
  readonly limit?: number;
  /** How many leading notes the retention figure covers. Default 20. */
  readonly retentionNotes?: number;
  /** Progress lines for a person (stderr). */
  readonly onProgress?: (message: string) => void;
  /** Milliseconds clock; default performance.now. */
  readonly clock?: () => number;
  readonly signal?: AbortSignal;
  /** The leave-out check after everything else: every Nth note (the 1st, N+1th, ...) is forgotten
   *  and its questions asked again, as questions no note answers. Default 3; 0 = off. */
  readonly leaveOutEvery?: number;
  /** Each method's outcomes (answers, citations, completions) before scoring: `--details`. */
  readonly onRun?: (name: MethodName, run: MethodRun) => void;
}

/** The part of a set a run uses (all of it, or the first N notes with theirs). */
export function limitSet(set: EvalSet, limit?: number): EvalSet {
  if (limit === undefined) return set;
  const notes = set.notes.slice(0, limit);
  const ids = new Set(notes.map(n => n.id));
  return {
    ...set,
    notes,
    distractors: set.distractors.slice(0, limit),
    questions: set.questions.filter(q => ids.has(q.note)),
    completions: set.completions.filter(c => ids.has(c.note)),
  };
}

export async function runEval(
  fullSet: EvalSet,
  subjects: Partial<Record<MethodName, SubjectFactory>>,
  options: EvalRunOptions = {},
): Promise<EvalReport> {
  const set = limitSet(fullSet, options.limit);
  const methods = {} as Record<MethodName, MethodReport>;
  for (const name of METHOD_NAMES) {
    const factory = subjects[name];
    if (!factory) {
      methods[name] = scoreMethod(emptyRun());
      continue;
    }
    options.onProgress?.(`[${name}] starting`);
    const subject = await factory();
    try {
      const run = await runSubject(name, subject, set, options);
      options.onRun?.(name, run);
      methods[name] = scoreMethod(run);
    } finally {
      await subject.dispose?.();
    }
  }
  return {
    set: set.name,
    notes: set.notes.length,
    distractors: set.distractors.length,
    questions: set.questions.length,
    completions: set.completions.length,
    methods,
  };
}

export async function runSubject(name: string, subject: EvalSubject, set: EvalSet, options: EvalRunOptions = {}): Promise<MethodRun> {
  const clock = options.clock ?? (() => performance.now());
  const say = (message: string) => options.onProgress?.(`[${name}] ${message}`);
  const timed = async <T>(into: number[], fn: () => Promise<T>): Promise<T> => {
    const started = clock();
    const value = await fn();
    into.push(clock() - started);
    return value;
  };
  // One failing note or question must not end an hour-long run: it is reported and scored as a
  // miss (an empty answer); only cancellation stops the run.
  const orMiss = async <T>(what: string, fn: () => Promise<T>, miss: T): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      options.signal?.throwIfAborted();
      say(`FAILED ${what}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
      return miss;
    }
  };
  const noAnswer: SubjectAnswer = { text: '', cited: [], memoryContextTokens: 0 };
  const questionsOf = groupBy(set.questions, q => q.note);
  const retained = new Set(set.notes.slice(0, options.retentionNotes ?? 20).map(n => n.id));
  const writeMs: number[] = [];
  const askMs: number[] = [];
  const completeMs: number[] = [];
  const memoryContextTokens: number[] = [];
  const rightAfter: number[] = [];

  const lossBefore = subject.write && subject.heldOutLoss ? await subject.heldOutLoss() : undefined;
  if (lossBefore !== undefined) say(`held-out loss before writes ${lossBefore.toFixed(4)}`);
  if (subject.write) {
    const toWrite = [...set.notes, ...set.distractors];
    for (const [i, note] of toWrite.entries()) {
      options.signal?.throwIfAborted();
      const ok = await orMiss(`writing ${note.id}`, () => timed(writeMs, () => subject.write!(note)).then(() => true), false);
      if (!ok) continue;
      let line = `wrote ${note.id} (${i + 1}/${toWrite.length}) in ${Math.round(writeMs[writeMs.length - 1]!)} ms`;
      if (retained.has(note.id)) {
        const recalls: number[] = [];
        for (const question of questionsOf.get(note.id) ?? []) {
          const answer = await orMiss(`asking about ${note.id}`, () => subject.ask(question), noAnswer);
          recalls.push(answerRecall(answer.text, question.answer) ?? 0);
        }
        rightAfter.push(...recalls);
        if (recalls.length > 0) line += `; recall right after ${(recalls.reduce((a, b) => a + b, 0) / recalls.length).toFixed(2)}`;
      }
      say(line);
    }
  }

  const questions: QuestionOutcome[] = [];
  const afterAll: number[] = [];
  for (const [i, question] of set.questions.entries()) {
    options.signal?.throwIfAborted();
    const answer = await orMiss(`asking "${question.question.slice(0, 60)}"`, () => timed(askMs, () => subject.ask(question)), noAnswer);
    memoryContextTokens.push(answer.memoryContextTokens);
    questions.push({
      style: question.style,
      answer: answer.text,
      reference: question.answer,
      expectedNote: question.note,
      cited: answer.cited,
      ...(answer.abstained ? { abstained: true } : {}),
    });
    if (retained.has(question.note)) afterAll.push(answerRecall(answer.text, question.answer) ?? 0);
    if ((i + 1) % 10 === 0 || i + 1 === set.questions.length) say(`asked ${i + 1}/${set.questions.length}`);
  }

  const unanswerable: UnanswerableOutcome[] = [];
  for (const item of set.unanswerable ?? []) {
    options.signal?.throwIfAborted();
    const answer = await orMiss(
      `asking "${item.question.slice(0, 60)}"`,
      () => subject.ask({ note: '', question: item.question, answer: '', style: item.style }),
      noAnswer,
    );
    unanswerable.push({
      style: item.style,
      abstained: answer.abstained === true,
      cited: answer.cited,
      question: item.question,
      answer: answer.text,
    });
  }
  if (unanswerable.length > 0)
    say(`asked ${unanswerable.length} unanswerable questions, ${unanswerable.filter(u => u.abstained).length} abstained`);

  const completions = [];
  for (const completion of set.completions) {
    options.signal?.throwIfAborted();
    const result = await orMiss(`completing for ${completion.note}`, () => timed(completeMs, () => subject.complete(completion)), noAnswer);
    memoryContextTokens.push(result.memoryContextTokens);
    completions.push({ completion: result.text, expected: completion.expected });
  }
  const missed = completions.flatMap((c, i) =>
    completionExact(c.completion, c.expected) ? [] : [`${set.completions[i]!.note} ${JSON.stringify(c.completion.slice(0, 40))}`],
  );
  say(`completed ${set.completions.length} probes, ${completions.length - missed.length} exact; missed: ${missed.join(', ')}`);

  const lossAfter = lossBefore !== undefined ? await subject.heldOutLoss!() : undefined;
  if (lossAfter !== undefined) say(`held-out loss after writes ${lossAfter.toFixed(4)}`);

  // Leave-out: questions whose note is forgotten are questions no note answers, on any set. Last,
  // so that nothing above sees the forgetting.
  const every = options.leaveOutEvery ?? 3;
  let leaveOut: UnanswerableOutcome[] | undefined;
  if (subject.forget && subject.write && every > 0) {
    leaveOut = [];
    const left = set.notes.filter((_, i) => i % every === 0);
    for (const note of left) await orMiss(`forgetting ${note.id}`, () => subject.forget!(note.id), undefined);
    for (const note of left) {
      for (const question of questionsOf.get(note.id) ?? []) {
        options.signal?.throwIfAborted();
        const answer = await orMiss(`asking about forgotten ${note.id}`, () => subject.ask(question), noAnswer);
        leaveOut.push({
          style: question.style,
          abstained: answer.abstained === true,
          cited: answer.cited,
          forgottenNote: note.id,
          question: question.question,
          answer: answer.text,
        });
      }
    }
    say(
      `leave-out: forgot ${left.length} notes, asked their ${leaveOut.length} questions, ${leaveOut.filter(u => u.abstained).length} abstained, ${leaveOut.filter(u => (u.cited ?? []).includes(u.forgottenNote!)).length} cited the forgotten note`,
    );
  }
  return {
    ...(unanswerable.length > 0 ? { unanswerable } : {}),
    ...(leaveOut ? { leaveOut } : {}),
    questions,
    completions,
    retention: subject.write ? { afterAll, rightAfter } : null,
    heldOutLoss: lossBefore !== undefined && lossAfter !== undefined ? { before: lossBefore, after: lossAfter } : null,
    writeMs,
    askMs,
    completeMs,
    memoryContextTokens,
  };
}

function emptyRun(): MethodRun {
  return {
    questions: [],
    completions: [],
    retention: null,
    heldOutLoss: null,
    writeMs: [],
    askMs: [],
    completeMs: [],
    memoryContextTokens: [],
  };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
