// Tests of the eval runner with scripted subjects: the order of writes and asks, what is timed,
// retention from the right-after asks, held-out loss before/after, --limit, and skipped methods.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EvalSubject } from './evalRunner';
import { limitSet, runEval, runSubject } from './evalRunner';
import type { EvalNote, EvalSet } from './evalSet';

const note = (id: string): EvalNote => ({ id, repo: 'o/r', source: 'PR #1', kind: 'decision', note: `fact ${id}`, answer: `answer ${id}` });
const set: EvalSet = {
  name: 'tiny',
  dir: '/nowhere',
  notes: [note('p1'), note('p2'), note('p3')],
  distractors: [note('q1')],
  questions: [
    { note: 'p1', question: 'q p1', answer: 'answer p1', style: 'direct' },
    { note: 'p2', question: 'q p2', answer: 'answer p2', style: 'paraphrase' },
    { note: 'p3', question: 'q p3', answer: 'answer p3', style: 'indirect' },
  ],
  completions: [{ note: 'p1', language: 'python', prefix: 'x = ', expected: 'p1' }],
  warnings: [],
};

/** Remembers what was written; answers right only for notes written and not yet "forgotten". */
function scripted(events: string[], forgetAfter = Infinity): EvalSubject {
  const written: string[] = [];
  let loss = 2;
  return {
    write: async n => {
      events.push(`write ${n.id}`);
      written.push(n.id);
      loss += 0.1;
    },
    ask: async q => {
      events.push(`ask ${q.note}`);
      const known = written.includes(q.note) && written.length <= forgetAfter;
      return { text: known ? q.answer : 'no idea', cited: [q.note], memoryContextTokens: 0 };
    },
    complete: async c => ({ text: ` ${c.note}()`, cited: null, memoryContextTokens: 5 }),
    heldOutLoss: async () => loss,
  };
}

test('evalRunner: notes then distractors in file order, right-after asks, then every question', async () => {
  const events: string[] = [];
  const run = await runSubject('m', scripted(events), set, { retentionNotes: 2 });
  assert.deepEqual(events, ['write p1', 'ask p1', 'write p2', 'ask p2', 'write p3', 'write q1', 'ask p1', 'ask p2', 'ask p3']);
  assert.equal(run.writeMs.length, 4);
  assert.equal(run.askMs.length, 3, 'right-after asks are not timed as asks');
  assert.deepEqual(run.retention, { afterAll: [1, 1], rightAfter: [1, 1] });
  assert.ok(run.heldOutLoss && Math.abs(run.heldOutLoss.after - run.heldOutLoss.before - 0.4) < 1e-9);
  assert.deepEqual(run.memoryContextTokens, [0, 0, 0, 5]);
});

test('evalRunner: retention falls when later writes push out earlier notes', async () => {
  const report = await runEval(set, { mnemo: async () => scripted([], 2) }, { retentionNotes: 2 });
  assert.equal(report.methods.mnemo.retention, 0);
  assert.equal(report.methods.mnemo.completion_exact, 1);
  assert.equal(report.methods.mnemo.provenance_at_1, 1);
  assert.ok(report.methods.mnemo.forgetting! > 0.19 && report.methods.mnemo.forgetting! < 0.21);
  assert.equal(report.methods.none.answer_recall.all, null, 'a method not run reports nulls');
  assert.deepEqual([report.notes, report.distractors, report.questions, report.completions], [3, 1, 3, 1]);
});

test('evalRunner: methods without writes skip writes, retention and loss', async () => {
  const events: string[] = [];
  const subject = scripted(events);
  const run = await runSubject('none', { ask: subject.ask, complete: subject.complete }, set);
  assert.deepEqual(events, ['ask p1', 'ask p2', 'ask p3']);
  assert.equal(run.retention, null);
  assert.equal(run.heldOutLoss, null);
});

test('evalRunner: --limit keeps the first notes and theirs', () => {
  const limited = limitSet(set, 1);
  assert.deepEqual(
    limited.notes.map(n => n.id),
    ['p1'],
  );
  assert.deepEqual(
    limited.distractors.map(n => n.id),
    ['q1'],
  );
  assert.deepEqual(
    limited.questions.map(q => q.note),
    ['p1'],
  );
  assert.equal(limited.completions.length, 1);
});

test('evalRunner: a failing write or ask is reported and scored as a miss, not the end of the run', async () => {
  const events: string[] = [];
  const base = scripted(events);
  const progress: string[] = [];
  const subject: EvalSubject = {
    ...base,
    write: async n => (n.id === 'p2' ? Promise.reject(new Error('disk full\nhint')) : base.write!(n)),
    ask: async q => (q.note === 'p3' ? Promise.reject(new Error('boom')) : base.ask(q)),
  };
  const run = await runSubject('m', subject, set, { onProgress: m => progress.push(m) });
  assert.equal(run.writeMs.length, 3);
  assert.equal(run.questions.length, 3);
  assert.equal(run.questions[2]!.answer, '');
  assert.ok(progress.some(m => m === '[m] FAILED writing p2: disk full'));
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(runSubject('m', scripted([]), set, { signal: controller.signal }));
});

/** Answers only what it has a live note for, abstaining (and citing nothing) otherwise. */
function honest(events: string[]): EvalSubject {
  const live = new Set<string>();
  return {
    write: async n => void live.add(n.id),
    forget: async id => {
      events.push(`forget ${id}`);
      live.delete(id);
    },
    ask: async q => {
      events.push(`ask ${q.note || q.question}`);
      return live.has(q.note)
        ? { text: q.answer, cited: [q.note], memoryContextTokens: 0 }
        : { text: 'No remembered note covers this question.', cited: [], memoryContextTokens: 0, abstained: true };
    },
    complete: async () => ({ text: '', cited: [], memoryContextTokens: 0 }),
  };
}

test('evalRunner: unanswerable questions after the answerable ones; leave-out forgets every 2nd note and asks its questions last', async () => {
  const events: string[] = [];
  const withUnanswerable: EvalSet = {
    ...set,
    unanswerable: [
      { question: 'How do I reverse a string?', style: 'general' },
      { question: 'Which port does p1 use?', style: 'near' },
    ],
  };
  const report = await runEval(withUnanswerable, { mnemo: async () => honest(events) }, { retentionNotes: 0, leaveOutEvery: 2 });
  assert.deepEqual(events, [
    'ask p1',
    'ask p2',
    'ask p3',
    'ask How do I reverse a string?',
    'ask Which port does p1 use?',
    'forget p1',
    'forget p3',
    'ask p1',
    'ask p3',
  ]);
  const m = report.methods.mnemo;
  assert.deepEqual(m.abstain_rate, { all: 1, near: 1, general: 1 });
  assert.deepEqual(m.false_abstain_rate, { all: 0, direct: 0, paraphrase: 0, indirect: 0 });
  assert.equal(m.false_citations, 0);
  assert.deepEqual(m.leave_out, {
    questions: 2,
    abstain_rate: { all: 1, direct: 1, paraphrase: null, indirect: 1 },
    false_citations: 0,
    cites_forgotten: 0,
  });
});

test('evalRunner: a method that answers everything: abstain_rate 0, false_citations 1, cites_forgotten 1; no leave-out without forget', async () => {
  const withUnanswerable: EvalSet = { ...set, unanswerable: [{ question: 'u?', style: 'near' }] };
  const confident: EvalSubject = {
    ...scripted([]),
    forget: async () => undefined,
    ask: async q => ({ text: 'sure', cited: [q.note || 'p1'], memoryContextTokens: 0 }),
  };
  const m = (await runEval(withUnanswerable, { mnemo: async () => confident }, { leaveOutEvery: 3 })).methods.mnemo;
  assert.deepEqual([m.abstain_rate.near, m.abstain_rate.general, m.false_citations, m.false_abstain_rate.all], [0, null, 1, 0]);
  assert.equal(m.leave_out!.cites_forgotten, 1);
  const noForget = (await runEval(set, { mnemo: async () => scripted([]) })).methods.mnemo;
  assert.equal(noForget.leave_out, null);
  assert.deepEqual(noForget.abstain_rate, { all: null, near: null, general: null });
  assert.equal(noForget.false_citations, null);
});
