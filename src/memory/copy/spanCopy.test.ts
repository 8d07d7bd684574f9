// Tests of choosing a note span for the cursor: the cue before the cursor picks the fact after it in
// the note, a started word wins, typed words and unrelated code copy nothing, the gate scales it.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NoteId } from '../note';
import { cursorView, isShown } from './codeView';
import { indexNoteSpans, rankSpans, spanToCopy } from './spanCopy';
import { countWordFrequencies } from '../keyed/wordBag';

const words = countWordFrequencies(
  [
    'const value = request.body;',
    'import fs from "fs"; fs.readFileSync(file)',
    'the value is returned to the caller',
    'max = 10; line = 2; length = 3',
    'exclude = build',
  ],
  1 << 12,
);
const note = (text: string, gate = 1) => ({ index: indexNoteSpans('n1' as NoteId, text), gate });
const flake8 = 'Code is formatted by Black with default options; flake8 in setup.cfg uses max-line-length = 88 and ignores E501.';

test("spanCopy: the fact after the cursor's cue in the note", () => {
  const best = spanToCopy([note(flake8)], '[flake8]\nexclude = .venv,build\nmax-line-length = ', words);
  assert.equal(best?.text, '88');
  assert.equal(best?.note, 'n1');
});

test('spanCopy: a note word the cursor has started wins', () => {
  const text = 'dotcom-rendering polyfills dynamic import(); lazy-load modules through window.guardianPolyfilledImport instead.';
  assert.equal(spanToCopy([note(text)], 'export const loadCommentsModule = (url) =>\n  window.', words)?.text, 'guardianPolyfilledImport');
});

test('spanCopy: unrelated code, words typed already and a weak gate copy nothing', () => {
  assert.equal(spanToCopy([note(flake8)], 'function add(a, b) {\n  return ', words), null);
  assert.ok(!rankSpans([note(flake8)], 'flake8 setup.cfg max-line-length = ', words).some(s => s.text === 'max-line-length'));
  const strong = spanToCopy([note(flake8)], 'max-line-length = ', words)!;
  const weak = rankSpans([note(flake8, 0.01)], 'max-line-length = ', words)[0]!;
  assert.ok(Math.abs(weak.score - strong.score * 0.01) < 1e-9, 'the score scales with the gate');
  assert.equal(spanToCopy([note(flake8, 0.01)], 'max-line-length = ', words), null);
});

test('spanCopy: inside a word only the rest of a note word the cursor started is typed', () => {
  assert.equal(spanToCopy([note(flake8)], 'max-line-length = 8', words), null, 'a digit already typed: 88 would be glued on');
  const text = 'lazy-load modules through window.guardianPolyfilledImport instead.';
  assert.equal(spanToCopy([note(text)], 'const load = (url) =>\n  window.guardianPoly', words)?.text, 'filledImport');
});

test('spanCopy: no name is glued onto a closing quote or bracket; an opening quote takes one', () => {
  const money = 'Money as integer cents, tax rates as basis points: no floating-point amounts anywhere.';
  const closed = "export type Cents = number & { readonly __brand: 'Cents'";
  assert.ok(rankSpans([note(money)], closed.slice(0, -6), words).length > 0, 'after the opening quote a span may be typed');
  assert.deepEqual(rankSpans([note(money)], closed, words), [], "nothing after the closing quote of 'Cents'");
  assert.deepEqual(rankSpans([note(money)], 'const rate = toCents(amount)', words), []);
  assert.equal(spanToCopy([note(flake8)], "config.set('max-line-length', ", words)?.text, '88', 'after a comma');
});

test('spanCopy: the file name is context, and not a span to type', () => {
  const text = 'Shell scripts were checked out with CRLF; a .gitattributes file now forces LF for *.sh.';
  const withName = rankSpans([note(text)], '*.sh text eol=', words, { fileName: '.gitattributes' });
  const without = rankSpans([note(text)], '*.sh text eol=', words);
  const lf = (ranked: typeof without) => ranked.find(s => s.text === 'lf')!.score;
  assert.ok(lf(withName) > lf(without), 'the name .gitattributes stands near LF in the note');
  assert.ok(withName.find(s => s.text === '.gitattributes')!.score < lf(withName), "the file's own name is shown already");
});

test('spanCopy: a span stands where it is a whole part of a note word, not inside one', () => {
  const text = 'helm.sh logged a hydration mismatch; the date spans now carry suppressHydrationWarning.';
  const index = indexNoteSpans('n1' as NoteId, text);
  const sh = index.spans.find(s => s.text === 'sh')!;
  assert.deepEqual(
    sh.at.map(a => index.words[a.word]),
    ['helm.sh'],
    '"sh" is not inside "suppressHydrationWarning"',
  );
});

test('spanCopy: a whole word beats its tail on a tie', () => {
  const image = 'Images are pushed to ghcr.io/acme/web since the rate limits hit CI.';
  const ranked = rankSpans([note(image)], '- name: Push image\n  run: docker push ', words);
  assert.ok(ranked.findIndex(s => s.text === 'ghcr.io/acme/web') < ranked.findIndex(s => s.text === 'acme/web'));
});

test('spanCopy: an imported name is not shown already', () => {
  const helper = 'Dates in API responses are ISO 8601 strings in UTC; use the formatUtc helper from lib/time.';
  const prefix = "import { formatUtc } from '../lib/time';\n\nexport const toResponse = (order) => ({\n  createdAt: ";
  assert.equal(isShown('formatUtc', cursorView('', prefix)), false);
  assert.equal(isShown('formatUtc', cursorView('', `${prefix}formatUtc(order.createdAt),\n  updatedAt: `)), true);
  assert.ok(rankSpans([note(helper)], prefix, words).some(s => s.text === 'formatUtc' && s.score > 0));
});

test('spanCopy: a number written with thousands separators is typed as a literal in code, kept in prose', () => {
  const visits = 'The history migration keeps each user’s latest 10,000 visits (max-visits).';
  assert.equal(spanToCopy([note(visits)], '{\n  "max-visits": ', words, { fileName: 'config.json' })?.text, '10000');
  assert.equal(spanToCopy([note(visits)], '# max-visits: ', words, { fileName: 'config.yaml' })?.text, '10,000');
  assert.equal(spanToCopy([note(visits)], 'max-visits: ', words, { fileName: 'README.md' })?.text, '10,000');
  assert.equal(spanToCopy([note(visits)], '#define MAX_VISITS ', words, { fileName: 'history.h' })?.text, '10000', 'a directive is code');
  assert.equal(
    spanToCopy([note(visits)], '  "max-visits": 10000, // keeps the latest ', words, { fileName: 'config.js' })?.text,
    '10,000',
    'a comment after code is prose',
  );
  const typedAlready = rankSpans([note(visits)], 'max-visits: Math.min(10000, ', words, { fileName: 'a.js' });
  assert.ok(!typedAlready.some(s => s.text === '10000' || s.text === '10,000'), 'the line has typed it already');
});
