// Tests of the worker-side messenger with fake handlers: lane order, completion superseding,
// cancellation of queued and running requests, validation failures and error mapping.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SecretFoundError, findSecrets } from '../memory/intake/secrets';
import { RequestHandlers, WorkerMessenger } from './messenger';
import type { MessageId, ProtocolError, WorkerToHostMessage } from './protocol';

interface Harness {
  readonly messenger: WorkerMessenger;
  readonly sent: WorkerToHostMessage[];
  readonly log: string[];
  send(id: number, type: string, data: object): void;
  cancel(id: number): void;
  response(id: number): Promise<Extract<WorkerToHostMessage, { kind: 'response' }>>;
}

const tick = () => new Promise(resolve => setImmediate(resolve));

function abortable(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
}

function harness(overrides: Partial<RequestHandlers> = {}): Harness {
  const sent: WorkerToHostMessage[] = [];
  const log: string[] = [];
  const waiters = new Map<number, (m: Extract<WorkerToHostMessage, { kind: 'response' }>) => void>();
  let onMessage: (message: unknown) => void = () => undefined;
  const endpoint = {
    postMessage: (message: unknown) => {
      const m = message as WorkerToHostMessage;
      sent.push(m);
      if (m.kind === 'response') waiters.get(m.id)?.(m);
    },
    on: (_event: 'message', listener: (message: unknown) => void) => (onMessage = listener),
  };
  const unused = async () => {
    throw new Error('not used in this test');
  };
  const handlers: RequestHandlers = {
    'worker/init': unused,
    'worker/status': unused,
    'worker/close': unused,
    'memory/remember': async (data, context) => {
      log.push(`start ${data.text}`);
      context.progress({ stage: 'training', message: data.text });
      await abortable(20, context.signal);
      log.push(`end ${data.text}`);
      return { notes: [], warnings: [], redacted: [], writeMs: 20, loss: { before: 1, after: 0.1, steps: 3 } };
    },
    'memory/forget': unused,
    'memory/restore': unused,
    'memory/list': unused,
    'memory/export': unused,
    'memory/import': unused,
    'memory/inspect': unused,
    'model/ask': async (data, context) => {
      for (const word of data.question.split(' ')) context.chunk({ text: word });
      return {
        answer: data.question,
        citations: [],
        outcome: { kind: 'answered' },
        tokens: 1,
        firstTokenMs: 0,
        totalMs: 0,
        memoryContextTokens: 0,
      };
    },
    'model/complete': async (data, context) => {
      log.push(`complete ${data.prefix}`);
      await abortable(30, context.signal);
      return {
        completion: `${data.prefix}!`,
        citations: [],
        ms: 30,
        memoryContextTokens: 0,
        full: `${data.prefix}!`,
        source: 'model',
        fromNote: null,
        pieces: [],
      };
    },
    ...overrides,
  };
  const messenger = new WorkerMessenger(endpoint, handlers);
  return {
    messenger,
    sent,
    log,
    send: (id, type, data) => onMessage({ kind: 'request', id, type, data }),
    cancel: id => onMessage({ kind: 'cancel', id }),
    response: id => {
      const done = sent.find((m): m is Extract<WorkerToHostMessage, { kind: 'response' }> => m.kind === 'response' && m.id === id);
      return done ? Promise.resolve(done) : new Promise(resolve => waiters.set(id, resolve));
    },
  };
}

const errorOf = (m: WorkerToHostMessage): ProtocolError => {
  assert.equal(m.kind, 'response');
  assert.equal((m as { ok: boolean }).ok, false, JSON.stringify(m));
  return (m as { error: ProtocolError }).error;
};

test('messenger: writes run one at a time in arrival order, with progress tagged by request', async () => {
  const h = harness();
  h.send(1, 'memory/remember', { text: 'a' });
  h.send(2, 'memory/remember', { text: 'b' });
  h.send(3, 'memory/remember', { text: 'c' });
  assert.equal(h.messenger.lane.queued, 2);
  await h.response(3);
  assert.deepEqual(h.log, ['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  const progress = h.sent.filter(m => m.kind === 'event' && m.type === 'progress');
  assert.deepEqual(
    progress.map(m => (m as { data: { requestId: MessageId } }).data.requestId),
    [1, 2, 3],
  );
  for (const id of [1, 2, 3]) assert.equal((await h.response(id)).ok, true);
});

test('messenger: a new completion cancels the one running and the ones queued', async () => {
  const h = harness();
  h.send(1, 'memory/remember', { text: 'w' }); // occupies the lane
  h.send(2, 'model/complete', { filePath: 'a.ts', prefix: 'x' });
  h.send(3, 'model/complete', { filePath: 'a.ts', prefix: 'xy' });
  await tick();
  assert.equal(errorOf(await h.response(2)).code, 'cancelled');
  const third = await h.response(3);
  assert.equal(third.ok, true);
  assert.deepEqual(h.log, ['start w', 'end w', 'complete xy']);

  h.send(4, 'model/complete', { filePath: 'a.ts', prefix: 'p' });
  await new Promise(resolve => setTimeout(resolve, 5)); // 4 is running now
  h.send(5, 'model/complete', { filePath: 'a.ts', prefix: 'pq' });
  const cancelled = errorOf(await h.response(4));
  assert.equal(cancelled.code, 'cancelled');
  assert.match(cancelled.message, /newer model\/complete/);
  assert.equal((await h.response(5)).ok, true);
});

test('messenger: cancel removes a queued request and stops a running one', async () => {
  const h = harness();
  h.send(1, 'memory/remember', { text: 'a' });
  h.send(2, 'memory/remember', { text: 'b' });
  h.cancel(2);
  h.cancel(1);
  assert.equal(errorOf(await h.response(1)).code, 'cancelled');
  assert.equal(errorOf(await h.response(2)).code, 'cancelled');
  assert.deepEqual(h.log, ['start a']);
  h.send(3, 'memory/remember', { text: 'c' });
  assert.equal((await h.response(3)).ok, true);
});

test('messenger: chunks stream before the response', async () => {
  const h = harness();
  h.send(1, 'model/ask', { question: 'one two three' });
  await h.response(1);
  const kinds = h.sent.map(m => (m.kind === 'chunk' ? `chunk:${(m.data as { text: string }).text}` : m.kind));
  assert.deepEqual(kinds, ['chunk:one', 'chunk:two', 'chunk:three', 'response']);
});

test('messenger: malformed requests get bad-request, a reused id is refused', async () => {
  const h = harness();
  h.send(1, 'memory/remember', { text: 'a', colour: 'red' });
  assert.match(errorOf(await h.response(1)).message, /unknown field "colour"/);
  h.send(2, 'no/such', {});
  assert.equal(errorOf(await h.response(2)).code, 'bad-request');
  h.send(3, 'memory/remember', { text: 'a' });
  h.send(3, 'memory/remember', { text: 'b' });
  assert.match(errorOf(h.sent.find(m => m.kind === 'response' && m.id === 3)!).message, /already in use/);
  assert.equal((await new Promise(r => setTimeout(r, 40)), h.log.includes('start b')), false);
});

test('messenger: handler errors become the protocol union, secrets never echoed', async () => {
  const secret = 'ghp_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8';
  const h = harness({
    'memory/remember': async data => {
      throw new SecretFoundError(findSecrets(data.text));
    },
  });
  h.send(1, 'memory/remember', { text: `token ${secret}` });
  const error = errorOf(await h.response(1));
  assert.equal(error.code, 'secret-found');
  assert.ok(error.code === 'secret-found' && error.findings.length === 1 && error.findings[0]!.line === 1);
  assert.doesNotMatch(JSON.stringify(h.sent), new RegExp(secret));
});
