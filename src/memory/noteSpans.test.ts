// Tests of the spans a completion may copy from a note: words trimmed of prose punctuation, member
// and path tails, lowercase forms, no common words, and the rest of a word the cursor has started.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { noteSpans } from './noteSpans';

const texts = (note: string, prefix = '') => noteSpans(note, prefix).map((s) => s.text);

test('noteSpans: words without quotes, brackets or sentence punctuation; no common words', () => {
  const spans = texts('Wrap it in cv.deprecated, and add "Prefer" to the list (##).');
  for (const span of ['Wrap', 'cv.deprecated', 'deprecated', 'Prefer', 'prefer', 'list', '##']) assert.ok(spans.includes(span), span);
  for (const word of ['it', 'in', 'and', 'to', 'the', 'cv.deprecated,', '"Prefer"', '(##).']) assert.ok(!spans.includes(word), word);
});

test('noteSpans: member and path tails, not a version\'s; numbers after a sign', () => {
  const spans = texts('import go.uber.org/automaxprocs; schemars 1.2.1; PostgreSQL ≥12');
  assert.ok(spans.includes('automaxprocs') && spans.includes('uber.org/automaxprocs'));
  assert.ok(spans.includes('1.2.1') && !spans.includes('2.1'));
  assert.ok(spans.includes('12'));
});

test('noteSpans: the rest of a note word the cursor has started, and not the whole word again', () => {
  const spans = noteSpans('lazy-load modules through window.guardianPolyfilledImport instead.', 'export const load = (url) =>\n  window.');
  assert.deepEqual(spans.find((s) => s.text === 'guardianPolyfilledImport'), { text: 'guardianPolyfilledImport', overlap: 7 });
  assert.ok(!spans.some((s) => s.text === 'window.guardianPolyfilledImport'));
});

test('noteSpans: inside a word, only a long start and a long rest count', () => {
  assert.ok(!noteSpans('use the default options', 'this.#defaul').some((s) => s.overlap > 0), '"defaul" -> "t" is chance');
  assert.deepEqual(
    noteSpans('load it through guardianPolyfilledImport', 'window.guardian').find((s) => s.overlap > 0),
    { text: 'PolyfilledImport', overlap: 8 },
  );
});
