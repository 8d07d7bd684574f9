// The capacity run (issue 5): write N generated notes one after another and, as the memory fills,
// ask direct questions about a fixed spread of the notes written so far, reporting provenance@1
// (and recall) at each checkpoint and the first checkpoint where provenance@1 falls below 0.8.
//
// Notes are generated from a few templates of project facts (ports, versions, timeouts, tables,
// tools) with made-up project names, so each note is about something no other note mentions and
// the right citation is unambiguous. Seeded: the same N gives the same notes.

import { seededRandom } from '../model/seededRandom';
import type { EvalNote, EvalQuestion } from './evalSet';
import type { EvalSubject } from './evalRunner';
import { answerRecall, mean, percentile } from './evalScore';

export interface CapacityNotes {
  readonly notes: readonly EvalNote[];
  readonly questions: readonly EvalQuestion[];
}

export interface CapacityPoint {
  readonly notes: number;
  readonly asked: number;
  readonly provenance_at_1: number | null;
  readonly provenance_at_3: number | null;
  readonly answer_recall: number | null;
  /** p50 of the write times since the previous checkpoint. */
  readonly write_ms_p50: number | null;
}

export interface CapacityReport {
  readonly capacity: number;
  readonly points: readonly CapacityPoint[];
  /** First checkpoint with provenance@1 below the threshold, or null if it never fell. */
  readonly falls_below_at: number | null;
  readonly threshold: number;
}

const SYLLABLES = [
  'ka',
  'zor',
  'vex',
  'lin',
  'tra',
  'mo',
  'qui',
  'bel',
  'dra',
  'nu',
  'pex',
  'sol',
  'rin',
  'ta',
  'gor',
  'fi',
  'wen',
  'hul',
  'cy',
  'ob',
];
const SERVICES = ['billing', 'search', 'auth', 'upload', 'report', 'gateway', 'scheduler', 'notifier', 'indexer', 'export'];
const LIBRARIES = ['express', 'lodash', 'axios', 'react', 'webpack', 'jest', 'prisma', 'zod', 'vite', 'mocha'];
const THINGS = ['request', 'session', 'cache', 'lock', 'retry', 'upload', 'idle', 'handshake'];
const DATA = ['invoices', 'audit events', 'user sessions', 'feature flags', 'job results', 'webhooks'];
const TOOLS = ['pnpm', 'Renovate', 'Terraform', 'Sentry', 'Grafana', 'Bazel', 'Vitest', 'Prettier', 'Docker Compose', 'Playwright'];
const PURPOSES = ['dependency updates', 'error tracking', 'end-to-end tests', 'formatting', 'infrastructure', 'dashboards'];

/** N notes with one direct question each. */
export function generateCapacityNotes(count: number, seed = 1): CapacityNotes {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[random.int(items.length)]!;
  const used = new Set<string>();
  const projectName = (): string => {
    for (;;) {
      const name = Array.from({ length: 2 + random.int(2) }, () => pick(SYLLABLES)).join('');
      if (!used.has(name)) {
        used.add(name);
        return name;
      }
    }
  };
  const notes: EvalNote[] = [];
  const questions: EvalQuestion[] = [];
  for (let i = 0; i < count; i++) {
    const id = `c${String(i + 1).padStart(4, '0')}`;
    const project = projectName();
    const fact = makeFact(random.int(5), project, pick, random.int);
    notes.push({ id, repo: 'generated/capacity', source: 'generated', kind: fact.kind, note: fact.note, answer: fact.answer });
    questions.push({ note: id, question: fact.question, answer: fact.answer, style: 'direct' });
  }
  return { notes, questions };
}

function makeFact(
  template: number,
  project: string,
  pick: <T>(items: readonly T[]) => T,
  int: (n: number) => number,
): { kind: EvalNote['kind']; note: string; question: string; answer: string } {
  switch (template) {
    case 0: {
      const service = pick(SERVICES);
      const port = String(3000 + int(6000));
      return {
        kind: 'decision',
        note: `The ${service} service of ${project} listens on port ${port}.`,
        question: `Which port does the ${service} service of ${project} listen on?`,
        answer: port,
      };
    }
    case 1: {
      const library = pick(LIBRARIES);
      const version = `${1 + int(9)}.${int(20)}.${int(10)}`;
      return {
        kind: 'convention',
        note: `${project} pins ${library} to version ${version}.`,
        question: `Which version of ${library} does ${project} pin?`,
        answer: version,
      };
    }
    case 2: {
      const thing = pick(THINGS);
      const seconds = String(5 + int(300));
      return {
        kind: 'decision',
        note: `In ${project} the ${thing} timeout is ${seconds} seconds.`,
        question: `What is the ${thing} timeout in ${project}?`,
        answer: `${seconds} seconds`,
      };
    }
    case 3: {
      const data = pick(DATA);
      const table = `${project}_${data.split(' ')[0]}_${int(90) + 10}`;
      return {
        kind: 'convention',
        note: `${project} stores ${data} in the ${table} table.`,
        question: `Which table does ${project} store ${data} in?`,
        answer: table,
      };
    }
    default: {
      const tool = pick(TOOLS);
      const purpose = pick(PURPOSES);
      return {
        kind: 'decision',
        note: `The ${project} team uses ${tool} for ${purpose}.`,
        question: `Which tool does ${project} use for ${purpose}?`,
        answer: tool,
      };
    }
  }
}

export interface CapacityRunOptions {
  /** Note counts at which to measure; default 10, 25, 50, 100, 200, 300, 500, 750, 1000 (up to N) and N. */
  readonly checkpoints?: readonly number[];
  /** Notes asked about at each checkpoint, spread evenly over those written. Default 40. */
  readonly sample?: number;
  /** provenance@1 below this counts as falling. Default 0.8. */
  readonly threshold?: number;
  readonly onProgress?: (message: string) => void;
  readonly signal?: AbortSignal;
  readonly clock?: () => number;
}

export function defaultCheckpoints(count: number): number[] {
  const marks = [10, 25, 50, 100, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000].filter(m => m < count);
  return [...marks, count];
}

export async function runCapacity(
  subject: EvalSubject,
  generated: CapacityNotes,
  options: CapacityRunOptions = {},
): Promise<CapacityReport> {
  if (!subject.write) throw new Error('the capacity run needs a method that writes notes');
  const clock = options.clock ?? (() => performance.now());
  const checkpoints = new Set(options.checkpoints ?? defaultCheckpoints(generated.notes.length));
  const threshold = options.threshold ?? 0.8;
  const sample = options.sample ?? 40;
  const questionOf = new Map(generated.questions.map(q => [q.note, q]));
  const points: CapacityPoint[] = [];
  let writeMs: number[] = [];
  for (const [i, note] of generated.notes.entries()) {
    options.signal?.throwIfAborted();
    const started = clock();
    await subject.write(note);
    writeMs.push(clock() - started);
    const written = i + 1;
    if (!checkpoints.has(written)) continue;
    const asked = spread(generated.notes.slice(0, written), sample);
    const hits1: boolean[] = [];
    const hits3: boolean[] = [];
    const recalls: number[] = [];
    for (const target of asked) {
      const question = questionOf.get(target.id)!;
      const answer = await subject.ask(question);
      const cited = answer.cited ?? [];
      hits1.push(cited[0] === target.id);
      hits3.push(cited.slice(0, 3).includes(target.id));
      recalls.push(answerRecall(answer.text, question.answer) ?? 0);
    }
    const share = (flags: boolean[]) => (flags.length === 0 ? null : flags.filter(Boolean).length / flags.length);
    const point: CapacityPoint = {
      notes: written,
      asked: asked.length,
      provenance_at_1: share(hits1),
      provenance_at_3: share(hits3),
      answer_recall: mean(recalls),
      write_ms_p50: percentile(writeMs, 50),
    };
    points.push(point);
    writeMs = [];
    options.onProgress?.(
      `[capacity] ${written} notes: provenance@1 ${point.provenance_at_1?.toFixed(2)}, @3 ${point.provenance_at_3?.toFixed(2)}, recall ${point.answer_recall?.toFixed(2)}, write p50 ${Math.round(point.write_ms_p50 ?? 0)} ms`,
    );
  }
  const falling = points.find(p => p.provenance_at_1 !== null && p.provenance_at_1 < threshold);
  return { capacity: generated.notes.length, points, falls_below_at: falling ? falling.notes : null, threshold };
}

/** Up to `count` items at evenly spaced indices, first and last included. */
function spread<T>(items: readonly T[], count: number): T[] {
  if (items.length <= count) return [...items];
  return Array.from({ length: count }, (_, i) => items[Math.round((i * (items.length - 1)) / (count - 1))]!);
}
