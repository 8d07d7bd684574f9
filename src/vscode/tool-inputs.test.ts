import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkForgetInput, checkRecallInput, checkRememberInput } from './tool-inputs';
import { MAX_QUESTION_CHARS } from './webview-protocol';

test('remember: text required, kind optional (a note) and from the list, extra fields ignored', () => {
  assert.deepEqual(checkRememberInput({ text: 'Use cents.', kind: 'convention' }), {
    ok: true,
    input: { text: 'Use cents.', kind: 'convention' },
  });
  assert.deepEqual(checkRememberInput({ text: 'Use cents.', why: 'the model added this' }), {
    ok: true,
    input: { text: 'Use cents.', kind: 'note' },
  });
  assert.deepEqual(checkRememberInput({ text: 'x', kind: 'password' }), {
    ok: false,
    reason: 'kind is not one of decision, convention, bug, note',
  });
  assert.deepEqual(checkRememberInput({ kind: 'bug' }), { ok: false, reason: 'text is missing, not text' });
  assert.deepEqual(checkRememberInput({ text: ['a'] }), { ok: false, reason: 'text is an array, not text' });
  assert.deepEqual(checkRememberInput({ text: '   ' }), { ok: false, reason: 'text is empty' });
  assert.equal(checkRememberInput({ text: 'x'.repeat(1 << 20) }).ok, false);
  assert.equal(checkRememberInput('remember this').ok, false);
  assert.equal(checkRememberInput(null).ok, false);
});

test('recall: a question of bounded length', () => {
  assert.deepEqual(checkRecallInput({ question: 'How is money stored?' }), { ok: true, input: { question: 'How is money stored?' } });
  assert.match(checkRecallInput({ question: 'q'.repeat(MAX_QUESTION_CHARS + 1) }).ok ? '' : 'refused', /refused/);
  assert.equal(checkRecallInput({ q: 'How?' }).ok, false);
  assert.equal(checkRecallInput([]).ok, false);
});

test('forget: only a well-formed note id', () => {
  assert.deepEqual(checkForgetInput({ noteId: 'n-0001' }), { ok: true, input: { noteId: 'n-0001' } });
  for (const noteId of ['../store.bin', '', 'a'.repeat(65), 7, undefined, 'n 1']) {
    assert.equal(checkForgetInput({ noteId }).ok, false, String(noteId));
  }
});
