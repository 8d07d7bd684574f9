// Tests of the spans a completion may copy from a note: words trimmed of prose punctuation, member
// and path tails, lowercase forms, no common words, and the rest of a word the cursor has started.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { noteSpans, startedSpans } from './noteSpans';
import { splitWords } from '../text/words';

const texts = (note: string) => noteSpans(note);
const started = (note: string, prefix: string) => startedSpans(splitWords(note), prefix);

test('noteSpans: words without quotes, brackets or sentence punctuation; no common words', () => {
  const spans = texts('Wrap it in cv.deprecated, and add "Prefer" to the list (##).');
  for (const span of ['Wrap', 'cv.deprecated', 'deprecated', 'Prefer', 'prefer', 'list', '##']) assert.ok(spans.includes(span), span);
  for (const word of ['it', 'in', 'and', 'to', 'the', 'cv.deprecated,', '"Prefer"', '(##).']) assert.ok(!spans.includes(word), word);
});

test("noteSpans: member and path tails, not a version's; numbers after a sign", () => {
  const spans = texts('import go.uber.org/automaxprocs; schemars 1.2.1; PostgreSQL ≥12');
  assert.ok(spans.includes('automaxprocs') && spans.includes('uber.org/automaxprocs'));
  assert.ok(spans.includes('1.2.1') && !spans.includes('2.1'));
  assert.ok(spans.includes('12'));
});

test('noteSpans: the rest of a note word the cursor has started, and not the whole word again', () => {
  const { spans, typed } = started(
    'lazy-load modules through window.guardianPolyfilledImport instead.',
    'export const load = (url) =>\n  window.',
  );
  assert.deepEqual(spans, [{ text: 'guardianPolyfilledImport', overlap: 7 }]);
  assert.deepEqual([...typed], ['window.guardianPolyfilledImport'], 'the whole word would type "window." twice');
  assert.deepEqual(started('use the default options', 'function f() {\n  '), { spans: [], typed: new Set() }, 'no word started');
});

test('noteSpans: inside a word, only a long start and a long rest count', () => {
  assert.deepEqual(started('use the default options', 'this.#defaul').spans, [], '"defaul" -> "t" is chance');
  assert.deepEqual(started('load it through guardianPolyfilledImport', 'window.guardian').spans, [
    { text: 'PolyfilledImport', overlap: 8 },
  ]);
});

test('noteSpans: a pattern offers its start before the placeholder, never itself', () => {
  const spans = texts('each app checks /_healthcheck_<app-name>, named <source>_<ingress|egress>_<dest>; GET /api/{version}/items');
  assert.ok(spans.includes('/_healthcheck_'), 'the start the model then completes');
  assert.ok(!spans.some(s => s.includes('<') || s.includes('{')), 'no placeholder typed as text');
  assert.ok(spans.includes('/api/'), 'braces too');
  assert.ok(!spans.includes('source>_'), 'a pattern that starts with its placeholder offers nothing');
});

test('noteSpans: a word keeps the closing brackets it opened, not others', () => {
  const spans = texts('Call setRestrictToTemplates(true). Keep cfg[0] and (see notes) as they are.');
  assert.ok(spans.includes('setRestrictToTemplates(true)'), spans.join(' '));
  assert.ok(spans.includes('cfg[0]'), spans.join(' '));
  assert.ok(spans.includes('notes') && !spans.includes('notes)'), spans.join(' '));
});

test('noteSpans: the rest of a started word keeps the closing brackets it opened', () => {
  assert.deepEqual(started('Call config.setRestrictToTemplates(true).', 'config.').spans, [
    { text: 'setRestrictToTemplates(true)', overlap: 7 },
  ]);
});
