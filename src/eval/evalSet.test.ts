// Tests of eval set loading on real files: the public set (when present), a general set with
// optional files missing and unknown styles, and broken sets with every problem reported.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { EvalSetError, loadEvalSet } from './evalSet';
import { findPublicEvalSet } from './publicSetLocation';

function setDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mnemo-evalset-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

const jsonl = (rows: object[]) => rows.map(r => JSON.stringify(r)).join('\n') + '\n';
const note = (id: string, extra: object = {}) => ({
  id,
  repo: 'o/r',
  source: 'PR #1',
  kind: 'bug',
  note: `note ${id}`,
  answer: 'x',
  ...extra,
});

test('evalSet: the public set loads with the README counts', { skip: !findPublicEvalSet() }, () => {
  const set = loadEvalSet(findPublicEvalSet()!);
  assert.equal(set.name, 'public');
  assert.deepEqual([set.notes.length, set.distractors.length, set.questions.length, set.completions.length], [30, 15, 81, 26]);
  assert.deepEqual(set.warnings, []);
  assert.deepEqual([...new Set(set.questions.map(q => q.style))].sort(), ['direct', 'indirect', 'paraphrase']);
  assert.equal(set.notes[0]!.id, 'p001');
});

test('evalSet: a general set: BOM, CRLF, blank lines, extra fields, unknown style and kind, optional files missing', () => {
  const dir = setDir({
    'notes.jsonl': '\ufeff' + jsonl([note('a1', { extra: true }), note('a2', { kind: 'incident' })]).replace(/\n/g, '\r\n') + '\r\n\r\n',
    'questions.jsonl': jsonl([
      { note: 'a1', question: 'q?', answer: 'x', style: 'direct' },
      { note: 'a2', question: 'q2?', answer: 'y', style: 'multi-hop' },
    ]),
  });
  const set = loadEvalSet(dir);
  assert.equal(set.notes.length, 2);
  assert.equal(set.notes[1]!.kind, 'note');
  assert.deepEqual([set.distractors.length, set.completions.length], [0, 0]);
  assert.equal(set.warnings.length, 4);
  assert.match(set.warnings.join('\n'), /distractors\.jsonl is missing/);
  assert.match(set.warnings.join('\n'), /completions\.jsonl is missing/);
  assert.match(set.warnings.join('\n'), /style "multi-hop"/);
  assert.match(set.warnings.join('\n'), /kind "incident"/);
});

test('evalSet: every problem is reported with file and line', () => {
  const dir = setDir({
    'notes.jsonl': jsonl([note('a1'), note('a1'), note('bad id'), { id: 'a3', note: '' }]) + '{not json\n[1,2]\n',
    'distractors.jsonl': jsonl([note('d1')]),
    'questions.jsonl': jsonl([
      { note: 'zz', question: 'q?', answer: 'x', style: 'direct' },
      { note: 'd1', question: 'q?', answer: 'x', style: 'direct' },
      { note: 'a1', question: 42, answer: 'x', style: 'direct' },
    ]),
    'completions.jsonl': jsonl([{ note: 'a1', language: 'js', expected: 'x' }]),
  });
  assert.throws(
    () => loadEvalSet(dir),
    (error: unknown) => {
      assert.ok(error instanceof EvalSetError);
      // JSON.parse's own wording differs between Node versions: keep only its start.
      const lines = error.problems.map(p => `${p.file}:${p.line}: ${p.message}`.replace(/not valid JSON \(.*\)$/, 'not valid JSON'));
      assert.deepEqual(lines, [
        'notes.jsonl:5: not valid JSON',
        'notes.jsonl:6: line is not a JSON object',
        'notes.jsonl:2: id "a1" is used twice (also in notes.jsonl:1)',
        "notes.jsonl:3: id \"bad id\" must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit",
        'notes.jsonl:4: "note" must be a non-empty string',
        'questions.jsonl:1: note "zz" is not in notes.jsonl',
        'questions.jsonl:3: "question" must be a non-empty string',
        'completions.jsonl:1: "prefix" must be a string',
      ]);
      assert.match(error.message, /has 8 problem\(s\)/);
      return true;
    },
  );
});

test('evalSet: missing directory or required files are clear errors', () => {
  assert.throws(() => loadEvalSet(path.join(os.tmpdir(), 'mnemo-no-such-set-dir')), /not a directory/);
  assert.throws(
    () => loadEvalSet(setDir({})),
    (e: unknown) => e instanceof EvalSetError && e.problems.length === 2 && /notes\.jsonl: file is missing/.test(e.message),
  );
  assert.throws(() => loadEvalSet(setDir({ 'notes.jsonl': '\n', 'questions.jsonl': jsonl([]) })), /notes\.jsonl: file has no entries/);
});

test('evalSet: unanswerable.jsonl is optional; when present its questions load, unknown styles warn, bad rows are problems', () => {
  const base = {
    'notes.jsonl': jsonl([note('a1')]),
    'questions.jsonl': jsonl([{ note: 'a1', question: 'q?', answer: 'x', style: 'direct' }]),
  };
  assert.deepEqual(loadEvalSet(setDir(base)).unanswerable, []);
  const set = loadEvalSet(
    setDir({
      ...base,
      'unanswerable.jsonl': jsonl([
        { question: 'How do I undo a commit?', style: 'general' },
        { question: 'Which port?', style: 'near' },
        { question: 'Why?', style: 'odd' },
      ]),
    }),
  );
  assert.deepEqual(
    set.unanswerable!.map(u => u.style),
    ['general', 'near', 'odd'],
  );
  assert.match(set.warnings.join('\n'), /unanswerable\.jsonl:3: style "odd"/);
  assert.throws(
    () => loadEvalSet(setDir({ ...base, 'unanswerable.jsonl': jsonl([{ style: 'near' }]) })),
    (e: unknown) => e instanceof EvalSetError && /unanswerable\.jsonl:1: "question"/.test(e.message),
  );
});

const devSet = findPublicEvalSet() && path.join(path.dirname(findPublicEvalSet()!), 'dev');
test('evalSet: the dev set has 40 unanswerable questions, 20 near and 20 general', { skip: !devSet || !existsSync(devSet) }, () => {
  const dev = devSet!;
  const set = loadEvalSet(dev);
  assert.equal(set.unanswerable!.filter(u => u.style === 'near').length, 20);
  assert.equal(set.unanswerable!.filter(u => u.style === 'general').length, 20);
});
