// Tests of the protocol's runtime validator, plus compile-time checks of the derived types.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NoteId } from '../memory/note';
import {
  AskChunk,
  AskResult,
  ChunkOf,
  ForgetResponse,
  isStreamingType,
  MessageId,
  parseHostMessage,
  parseWorkerMessage,
  RequestOf,
  RequestType,
  ResultOf,
  StreamingType,
} from './protocol';

// ---- compile-time checks: these lines fail `npm run typecheck` if the derived types drift ----
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const typeChecks: [
  Equal<ResultOf<'model/ask'>, AskResult>,
  Equal<ChunkOf<'model/ask'>, AskChunk>,
  Equal<ResultOf<'memory/forget'>, ForgetResponse>,
  Equal<ChunkOf<'memory/forget'>, never>,
  Equal<StreamingType, 'model/ask'>,
] = [true, true, true, true, true];
void typeChecks;

/** One valid request of every type; the mapped type makes a missing one a compile error. */
const samples: { [T in RequestType]: RequestOf<T> } = {
  'worker/init': { storeDir: '/store', modelDir: '/model' },
  'worker/status': {},
  'worker/close': {},
  'memory/remember': { text: 'Use pnpm.', kind: 'convention', secrets: 'redact' },
  'memory/forget': { id: 'p001' as NoteId, overlap: 'refuse' },
  'memory/restore': { id: 'p001' as NoteId },
  'memory/list': { all: true },
  'memory/export': { file: 'team.mnemo-export' },
  'memory/import': { file: 'team.mnemo-export', mode: 'merge' },
  'memory/inspect': { what: 'note', id: 'p001' as NoteId },
  'model/ask': { question: 'Which package manager?', mode: 'prompt', maxTokens: 64 },
  'model/complete': { filePath: 'src/a.ts', prefix: 'const x = ' },
};

const id = 7 as MessageId;

test('protocol: a valid request of every type parses', () => {
  for (const [type, data] of Object.entries(samples)) {
    const parsed = parseHostMessage({ kind: 'request', id, type, data });
    assert.ok(parsed.ok, `${type}: ${parsed.ok ? '' : parsed.error}`);
    if (parsed.ok && parsed.message.kind === 'request') assert.equal(parsed.message.type, type);
  }
  assert.deepEqual(parseHostMessage({ kind: 'cancel', id: 3 }), { ok: true, message: { kind: 'cancel', id: 3 } });
  assert.ok(parseHostMessage({ kind: 'request', id, type: 'memory/inspect', data: { what: 'slots' } }).ok);
});

test('protocol: bad host messages are refused with a reason', () => {
  const cases: [unknown, RegExp][] = [
    [null, /not an object/],
    [[1, 2], /not an object/],
    [{ kind: 'request', type: 'memory/list', data: {} }, /id must be/],
    [{ kind: 'request', id: -1, type: 'memory/list', data: {} }, /id must be/],
    [{ kind: 'request', id: 1.5, type: 'memory/list', data: {} }, /id must be/],
    [{ kind: 'shout', id }, /unknown message kind "shout"/],
    [{ kind: 'request', id, type: 'memory/drop', data: {} }, /unknown request type "memory\/drop"/],
    [{ kind: 'request', id, type: 'toString', data: {} }, /unknown request type/],
    [{ kind: 'request', id, type: 'memory/list', data: 'all' }, /memory\/list: data must be an object/],
    [{ kind: 'request', id, type: 'memory/remember', data: {} }, /"text" is required/],
    [{ kind: 'request', id, type: 'memory/remember', data: { text: 42 } }, /"text" must be a string/],
    [
      { kind: 'request', id, type: 'memory/remember', data: { text: 'x', kind: 'rumour' } },
      /"kind" must be one of decision, convention, bug, note/,
    ],
    [{ kind: 'request', id, type: 'memory/remember', data: { text: 'x', secret: 'redact' } }, /unknown field "secret"/],
    [{ kind: 'request', id, type: 'memory/forget', data: { id: '  ' } }, /"id" must be a non-empty string/],
    [
      { kind: 'request', id, type: 'model/ask', data: { question: 'q', maxTokens: Number.NaN } },
      /"maxTokens" must be a non-negative number/,
    ],
    [{ kind: 'request', id, type: 'memory/inspect', data: { what: 'everything' } }, /"what" must be one of slots, note/],
    [{ kind: 'request', id, type: 'memory/inspect', data: { what: 'note' } }, /"id" is required/],
    [
      { kind: 'request', id, type: 'worker/init', data: { storeDir: '/s', modelDir: '/m', recover: 'yes' } },
      /"recover" must be true or false/,
    ],
  ];
  for (const [message, reason] of cases) {
    const parsed = parseHostMessage(message);
    assert.equal(parsed.ok, false, JSON.stringify(message));
    if (!parsed.ok) assert.match(parsed.error, reason);
  }
});

test('protocol: worker messages: responses, errors, chunks and known events', () => {
  assert.ok(parseWorkerMessage({ kind: 'response', id, ok: true, data: { notes: [] } }).ok);
  const error = parseWorkerMessage({
    kind: 'response',
    id,
    ok: false,
    error: { code: 'cancelled', message: 'A newer completion replaced this one.' },
  });
  assert.ok(error.ok && error.message.kind === 'response' && !error.message.ok && error.message.error.code === 'cancelled');
  assert.ok(parseWorkerMessage({ kind: 'chunk', id, data: { text: 'tra' } }).ok);
  assert.ok(parseWorkerMessage({ kind: 'event', type: 'progress', data: { stage: 'training', message: 'step 3/20', fraction: 0.15 } }).ok);
  for (const [message, reason] of [
    [{ kind: 'response', id, ok: false, error: 'boom' }, /ok: false with an error/],
    [{ kind: 'response', ok: true }, /id must be/],
    [{ kind: 'event', type: 'memory/exploded', data: {} }, /unknown event type/],
    [{ kind: 'event', type: 'log', data: null }, /data must be an object/],
    [{ kind: 'request', id, type: 'memory/list', data: {} }, /unknown message kind "request"/],
  ] as [unknown, RegExp][]) {
    const parsed = parseWorkerMessage(message);
    assert.equal(parsed.ok, false);
    if (!parsed.ok) assert.match(parsed.error, reason);
  }
});

test('protocol: streaming types', () => {
  assert.equal(isStreamingType('model/ask'), true);
  assert.equal(isStreamingType('model/complete'), false);
});
