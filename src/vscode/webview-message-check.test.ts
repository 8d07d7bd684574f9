import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkChatMessage, checkInspectorMessage, type MessageCheck } from './webview-message-check';
import { MAX_QUESTION_CHARS, MAX_REMEMBER_CHARS } from './webview-protocol';

function refused<M>(check: MessageCheck<M>): string {
  assert.equal(check.ok, false, `expected a refusal, got ${JSON.stringify(check)}`);
  return check.ok ? '' : check.reason;
}

describe('chat view messages', () => {
  test('every declared shape is accepted as it is', () => {
    for (const message of [
      { type: 'ready' },
      { type: 'cancel' },
      { type: 'ask', question: 'How are money amounts stored?' },
      { type: 'remember', text: 'Use integer cents.', kind: 'convention' },
      { type: 'forget', noteId: 'n-2026-0001' },
      { type: 'open-note', noteId: 'p001' },
    ]) {
      assert.deepEqual(checkChatMessage(message), { ok: true, message });
    }
  });

  const malformed: [string, unknown, RegExp][] = [
    ['not an object', 'ask', /not an object/],
    ['null', null, /null/],
    ['an array', [{ type: 'ready' }], /array/],
    ['no type', { question: 'x' }, /type is missing/],
    ['a numeric type', { type: 7 }, /type is a number/],
    ['an unknown type', { type: 'run', command: 'rm -rf /' }, /unknown type "run"/],
    ['a type from the other webview', { type: 'export' }, /unknown type "export"/],
    ['a prototype key as the type', { type: 'toString' }, /unknown type/],
    ['a missing field', { type: 'ask' }, /lacks its field "question"/],
    ['a missing kind', { type: 'remember', text: 'x' }, /lacks its field "kind"/],
    ['a field of the wrong type', { type: 'ask', question: 42 }, /question is a number/],
    ['an object for text', { type: 'remember', text: { toString: 'x' }, kind: 'bug' }, /text is an object, not text/],
    ['a blank question', { type: 'ask', question: ' \n\t ' }, /empty/],
    ['a huge question', { type: 'ask', question: 'x'.repeat(MAX_QUESTION_CHARS + 1) }, /4001 characters/],
    ['a 1 MB note', { type: 'remember', text: 'x'.repeat(1 << 20), kind: 'note' }, /1048576 characters/],
    ['an unknown kind', { type: 'remember', text: 'x', kind: 'secret' }, /kind is not one of/],
    ['a note id with a path in it', { type: 'forget', noteId: '../../etc/passwd' }, /not a note id/],
    ['a huge note id', { type: 'open-note', noteId: 'a'.repeat(100_000) }, /not a note id/],
    ['a numeric note id', { type: 'forget', noteId: 12 }, /not a note id/],
    ['an extra field', { type: 'ask', question: 'why?', model: 'other' }, /unexpected field "model"/],
    ['an extra field on a bare message', { type: 'ready', then: 'eval' }, /unexpected field "then"/],
    ['a __proto__ field', JSON.parse('{"type":"cancel","__proto__":{"polluted":true}}'), /unexpected field "__proto__"/],
    ['a class instance', Object.assign(Object.create({ inherited: 1 }), { type: 'ready' }), /not a plain object/],
  ];
  for (const [name, value, reason] of malformed) {
    test(`refuses ${name}`, () => assert.match(refused(checkChatMessage(value)), reason));
  }

  test('the longest allowed texts pass; reasons never quote the refused text', () => {
    assert.equal(checkChatMessage({ type: 'ask', question: 'q'.repeat(MAX_QUESTION_CHARS) }).ok, true);
    assert.equal(checkChatMessage({ type: 'remember', text: 'r'.repeat(MAX_REMEMBER_CHARS), kind: 'bug' }).ok, true);
    const secret = 'AKIAIOSFODNN7EXAMPLE'.repeat(300);
    assert.doesNotMatch(refused(checkChatMessage({ type: 'ask', question: secret })), /AKIA/);
    assert.doesNotMatch(refused(checkChatMessage({ type: 'forget', noteId: secret })), /AKIA/);
    assert.ok(refused(checkChatMessage({ type: 'x'.repeat(10_000) })).length < 100, 'a long type is cut in the reason');
  });

  test('the accepted message is a copy holding only the declared fields', () => {
    const sent = { type: 'forget', noteId: 'n1' };
    const check = checkChatMessage(sent);
    assert.ok(check.ok);
    assert.notEqual(check.message, sent);
    assert.deepEqual(Object.keys(check.message), ['type', 'noteId']);
  });
});

describe('inspector messages', () => {
  test('every declared shape is accepted', () => {
    for (const message of [
      { type: 'ready' },
      { type: 'refresh' },
      { type: 'export' },
      { type: 'import' },
      { type: 'select', noteId: 'n1' },
      { type: 'forget', noteId: 'n1' },
    ]) {
      assert.deepEqual(checkInspectorMessage(message), { ok: true, message });
    }
  });

  test('malformed messages are refused with a reason', () => {
    assert.match(refused(checkInspectorMessage({ type: 'forget' })), /lacks its field "noteId"/);
    assert.match(refused(checkInspectorMessage({ type: 'forget', noteId: 'n1', extra: 1 })), /unexpected field "extra"/);
    assert.match(refused(checkInspectorMessage({ type: 'select', noteId: ['n1'] })), /an array, not a note id/);
    assert.match(refused(checkInspectorMessage({ type: 'eval', code: '1' })), /unknown type "eval"/);
    assert.match(refused(checkInspectorMessage({ type: 'ask', question: 'from the chat' })), /unknown type "ask"/);
    assert.match(refused(checkInspectorMessage(undefined)), /missing, not an object/);
  });
});
