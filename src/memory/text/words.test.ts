// Tests of the word splitters and trimmers: index terms (identifier parts, stop words, NFKC),
// whitespace words, name parts, name characters, and the two trimmers' different rules.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closeBrackets, countOf, endsInName, indexTerms, isNameChar, nameParts, splitWords, trimNoteWord, trimTerm } from './words';

test('indexTerms: identifiers split into parts, stop words dropped, NFKC lowercase', () => {
  assert.deepEqual(indexTerms('The window.guardianPolyfilledImport is used'), [
    'window.guardianpolyfilledimport',
    'window',
    'guardianpolyfilledimport',
    'guardian',
    'polyfilled',
    'import',
    'used',
  ]);
  assert.deepEqual(indexTerms('async_set_unique_id'), ['async_set_unique_id', 'async', 'set', 'unique', 'id']);
  assert.deepEqual(indexTerms('HTTPServer ＡＢＣ'), ['httpserver', 'http', 'server', 'abc']);
  assert.deepEqual(indexTerms('src/memory:12-40'), ['src/memory:12-40', 'src', 'memory', '12', '40']);
  assert.deepEqual(indexTerms('what is it, and how?'), []);
  assert.deepEqual(indexTerms(''), []);
});

test('splitWords: whitespace of any kind separates; no empty words', () => {
  assert.deepEqual(splitWords('  use\tcv.deprecated,\n\u00a0now  '), ['use', 'cv.deprecated,', 'now']);
  assert.deepEqual(splitWords(' \n '), []);
});

test('nameParts: underscores, dollars and case changes in any script', () => {
  assert.deepEqual(nameParts('MIN_VERSION_MARIA_DB'), ['min', 'version', 'maria', 'db']);
  assert.deepEqual(nameParts('HomeCommunity'), ['home', 'community']);
  assert.deepEqual(nameParts('$scope__übersichtÄnderung'), ['scope', 'übersicht', 'änderung']);
  assert.deepEqual(nameParts('_'), []);
});

test('isNameChar and endsInName: letters and digits of any script, _ and $; not punctuation', () => {
  for (const ch of ['a', 'Z', '7', '_', '$', 'é', 'ж']) assert.ok(isNameChar(ch), ch);
  for (const ch of ['.', ' ', '(', '-', '#']) assert.ok(!isNameChar(ch), ch);
  assert.ok(endsInName('this.#defaul'));
  assert.ok(endsInName('x𝑥'), 'an astral letter is one code point');
  assert.ok(!endsInName('window.'));
  assert.ok(!endsInName(''));
});

test('trimTerm: punctuation, quotes and a possessive go; a parenthesis the term opens stays', () => {
  assert.equal(trimTerm('"transaction.id".'), 'transaction.id');
  assert.equal(trimTerm("(Redis's"), 'Redis');
  assert.equal(trimTerm('setRestrictToTemplates(true).'), 'setRestrictToTemplates(true)');
  assert.equal(trimTerm('preact/compat),'), 'preact/compat');
});

test('trimNoteWord: quotes, brackets and sentence punctuation go; brackets the word opened come back', () => {
  assert.equal(trimNoteWord('`cv.deprecated`,'), 'cv.deprecated');
  assert.equal(trimNoteWord('(##).'), '##');
  assert.equal(trimNoteWord('setRestrictToTemplates(true).'), 'setRestrictToTemplates(true)');
  assert.equal(trimNoteWord('<source>_<dest>'), 'source>_<dest');
  assert.equal(closeBrackets('a[0', 'a[0]]'), 'a[0]', 'only the brackets the word opened');
  assert.equal(countOf('f(g(x))', ')'), 2);
});

test('the two trimmers differ where their callers need it', () => {
  // A key term drops a possessive; a copied span keeps the word as written.
  assert.equal(trimTerm("Via's"), 'Via');
  assert.equal(trimNoteWord("Via's"), "Via's");
});
