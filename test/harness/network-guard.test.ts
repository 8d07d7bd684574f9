import assert from 'node:assert/strict';
import * as dgram from 'node:dgram';
import * as dns from 'node:dns';
import * as http from 'node:http';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { test } from 'node:test';
import { installNetworkGuard, isLocalAttempt, type ConnectionAttempt } from './network-guard';

// 192.0.2.0/24 is TEST-NET-1 (documentation only): nothing answers, so these attempts go nowhere.
const REMOTE = '192.0.2.1';

function guarded(): { attempts: ConnectionAttempt[]; restore: () => void } {
  const attempts: ConnectionAttempt[] = [];
  const restore = installNetworkGuard(attempt => attempts.push(attempt));
  return { attempts, restore };
}

const remote = (attempts: readonly ConnectionAttempt[]) => attempts.filter(a => !isLocalAttempt(a));

test('a deliberate outgoing connection trips the guard, through net, tls, http and fetch', async () => {
  const { attempts, restore } = guarded();
  try {
    net
      .connect({ host: REMOTE, port: 9 })
      .on('error', () => undefined)
      .destroy();
    net
      .connect(9, REMOTE)
      .on('error', () => undefined)
      .destroy();
    tls
      .connect({ host: REMOTE, port: 443 })
      .on('error', () => undefined)
      .destroy();
    http
      .get(`http://${REMOTE}:9/`)
      .on('error', () => undefined)
      .destroy();
    await fetch(`http://${REMOTE}/`, { signal: AbortSignal.timeout(200) }).catch(() => undefined);
  } finally {
    restore();
  }
  const tripped = remote(attempts);
  assert.ok(tripped.length >= 5, JSON.stringify(attempts.map(a => `${a.kind} ${a.target}:${a.port}`)));
  assert.ok(tripped.every(a => a.target === REMOTE && a.kind === 'tcp'));
  assert.ok(tripped.some(a => a.port === 443));
  assert.ok(tripped.every(a => a.thread === 'main'));
  // Synchronous callers are on the stack (fetch connects from undici's own async frames).
  assert.ok(tripped.filter(a => a.stack.includes('network-guard.test')).length >= 4, 'the stack names the caller');
});

test('name lookups and UDP trip it too', async () => {
  const { attempts, restore } = guarded();
  const socket = dgram.createSocket('udp4');
  try {
    await dns.promises.lookup('mnemo-guard-test.invalid').catch(() => undefined);
    await new Promise<void>(resolve => dns.lookup('mnemo-guard-test.invalid', () => resolve()));
    await new Promise<void>(resolve => socket.send('x', 9, REMOTE, () => resolve()));
  } finally {
    socket.close();
    restore();
  }
  const seen = remote(attempts).map(a => `${a.kind} ${a.target}`);
  assert.equal(seen.filter(s => s === 'dns mnemo-guard-test.invalid').length, 2, seen.join(', '));
  assert.ok(seen.includes(`udp ${REMOTE}`), seen.join(', '));
});

test('loopback and IPC are recorded as local; after restore nothing is recorded', async () => {
  const server = net.createServer(socket => socket.end());
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const { attempts, restore } = guarded();
  try {
    await new Promise<void>((resolve, reject) => net.connect(port, '127.0.0.1', resolve).on('error', reject).unref());
  } finally {
    restore();
  }
  net
    .connect({ host: REMOTE, port: 9 })
    .on('error', () => undefined)
    .destroy();
  server.close();
  assert.equal(attempts.length, 1);
  assert.equal(isLocalAttempt(attempts[0]!), true);
  assert.equal(attempts[0]!.port, port);
});

test('isLocalAttempt: loopback names and addresses, IPC paths; anything else is remote', () => {
  for (const target of ['localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]', 'x.localhost'])
    assert.equal(isLocalAttempt({ kind: 'tcp', target }), true, target);
  assert.equal(isLocalAttempt({ kind: 'ipc', target: '/run/vscode.sock' }), true);
  for (const target of ['example.com', '10.0.0.1', '0.0.0.0', 'localhost.example.com', '128.0.0.1'])
    assert.equal(isLocalAttempt({ kind: 'tcp', target }), false, target);
  assert.equal(isLocalAttempt({ kind: 'dns', target: 'registry.npmjs.org' }), false);
  assert.equal(isLocalAttempt({ kind: 'dns', target: '0.0.0.0' }), true, 'an address literal needs no name server');
});
