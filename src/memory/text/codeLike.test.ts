// Tests of the two "is this code?" rules: identifiers in a note's prose, and copy spans that read as
// a value typed in code.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isCodeLike, isIdentifier } from './codeLike';

test('isIdentifier: code-ish tokens yes; plain prose, numbers and abbreviations no', () => {
  const prose = ['re-throw', 'multi-version', 'e.g', 'plain', 'Error', 'mid-response', '2021', 'CSRF', 'x'];
  const code = ['async_set_unique_id', 'guardianPolyfilledImport', 'VError', 'utf8mb4', 'openjdk-api-v3', 'cv.deprecated'];
  const moreCode = ['GOMAXPROCS', '--openssl-legacy-provider', 'Errno::ENOENT', 'setRestrictToTemplates(true)', 'Idempotency-Key'];
  for (const word of prose) assert.equal(isIdentifier(word), false, word);
  for (const word of [...code, ...moreCode]) assert.equal(isIdentifier(word), true, word);
});

test('isCodeLike: identifiers, numbers, symbols and quoted words look like code; prose words do not', () => {
  for (const span of ['transaction.id', 'job_cache_lock', '88', 'preact/compat', 'VError', 'LF', '##'])
    assert.ok(isCodeLike(span, span), span);
  assert.ok(isCodeLike('Prefer', '"Prefer"'), 'quoted in the note');
  for (const span of ['master', 'refund', 'Slim']) assert.ok(!isCodeLike(span, span), span);
});

test('the two rules differ: a short acronym is code to the copy, a name to the key terms', () => {
  assert.ok(isCodeLike('CSRF', 'CSRF'));
  assert.ok(!isIdentifier('CSRF'));
});
