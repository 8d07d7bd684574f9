import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseChatFromWebview, parseInspectorFromWebview } from './webview-protocol';

test('chat messages from the webview are accepted only in their declared shapes', () => {
  assert.deepEqual(parseChatFromWebview({ type: 'ask', question: 'why?' }), { type: 'ask', question: 'why?' });
  assert.deepEqual(parseChatFromWebview({ type: 'remember', text: 'use tabs', kind: 'convention' }), { type: 'remember', text: 'use tabs', kind: 'convention' });
  assert.equal(parseChatFromWebview({ type: 'ask', question: '  ' }), undefined);
  assert.equal(parseChatFromWebview({ type: 'ask', question: 'x'.repeat(20_001) }), undefined);
  assert.equal(parseChatFromWebview({ type: 'remember', text: 'x', kind: 'secret' }), undefined);
  assert.equal(parseChatFromWebview({ type: 'run', command: 'rm' }), undefined);
  assert.equal(parseChatFromWebview('ask'), undefined);
  assert.equal(parseChatFromWebview(null), undefined);
});

test('inspector messages drop extra fields and refuse unknown types', () => {
  assert.deepEqual(parseInspectorFromWebview({ type: 'forget', noteId: 'n1', extra: 1 }), { type: 'forget', noteId: 'n1' });
  assert.deepEqual(parseInspectorFromWebview({ type: 'export' }), { type: 'export' });
  assert.equal(parseInspectorFromWebview({ type: 'forget' }), undefined);
  assert.equal(parseInspectorFromWebview({ type: 'eval', code: '1' }), undefined);
});
