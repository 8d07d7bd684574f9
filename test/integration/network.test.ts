// Integration: mnemo opens no network connection. For the whole suite (root hooks: so the story in
// story.test.ts — remember, inspect, ask, complete, forget, the chat and the tools — runs watched)
// a tripwire (test/harness/network-guard.ts) watches the extension host's main thread and every
// worker started meanwhile, mnemo's model worker among them (a probe --require'd into each).
// Nothing may connect off the machine or ask a name server, and neither mnemo's own code nor its
// worker may open a socket at all. The webviews' side (no remote request from their frames) is
// checked by the harness from the browser (test/harness/webview-requests.ts).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'mocha';
import { installNetworkGuard, isLocalAttempt, type ConnectionAttempt } from '../harness/network-guard';
import { mnemoExtension, waitForActivation } from './extension-host';

type WorkerThreads = typeof import('node:worker_threads');

/** Every worker started until the returned restore runs gets the probe --require'd; onStart counts them. */
function probeNewWorkers(probe: string, onStart: () => void): () => void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const threads = require('node:worker_threads') as WorkerThreads;
  const original = threads.Worker;
  threads.Worker = class ProbedWorker extends original {
    constructor(file: string | URL, options: import('node:worker_threads').WorkerOptions = {}) {
      super(file, { ...options, execArgv: [...(options.execArgv ?? process.execArgv), '--require', probe] });
      onStart();
    }
  };
  return () => {
    threads.Worker = original;
  };
}

function readProbeLog(file: string): { probes: string[]; attempts: ConnectionAttempt[] } {
  const lines = fs.existsSync(file)
    ? fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map(line => JSON.parse(line) as Record<string, unknown>)
    : [];
  return {
    probes: lines.filter(line => line.probe === 'installed').map(line => String(line.thread)),
    attempts: lines.filter(line => line.probe === undefined) as unknown as ConnectionAttempt[],
  };
}

const describeAttempt = (a: ConnectionAttempt) =>
  `${a.thread}: ${a.kind} ${a.target}${a.port === undefined ? '' : `:${a.port}`}\n${a.stack.split('\n').slice(0, 6).join('\n')}`;

const hostAttempts: ConnectionAttempt[] = [];
const logFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mnemo-network-')), 'attempts.jsonl');
let workersStarted = 0;
let restoreGuard: () => void = () => undefined;
let restoreWorkers: () => void = () => undefined;

// Root hooks: they wrap every test of every file in this suite.
before(() => {
  process.env.MNEMO_NETWORK_LOG = logFile;
  restoreGuard = installNetworkGuard(attempt => hostAttempts.push(attempt));
  restoreWorkers = probeNewWorkers(path.join(__dirname, 'network-probe.js'), () => workersStarted++);
});

after(function () {
  restoreWorkers();
  restoreGuard();
  delete process.env.MNEMO_NETWORK_LOG;
  const worker = readProbeLog(logFile);
  fs.rmSync(path.dirname(logFile), { recursive: true, force: true });
  if (workersStarted > 0) {
    assert.ok(
      worker.probes.some(thread => thread.startsWith('worker')),
      `${workersStarted} workers started, none with the probe`,
    );
  }
  const all = [...hostAttempts, ...worker.attempts];
  const outside = all.filter(a => !isLocalAttempt(a));
  assert.deepEqual(outside.map(describeAttempt), [], 'connections off the machine or name lookups during the suite');
  const extensionDist = path.join(mnemoExtension().extensionPath, 'dist');
  const mnemos = all.filter(a => a.thread !== 'main' || a.stack.includes(extensionDist));
  assert.deepEqual(mnemos.map(describeAttempt), [], 'sockets opened by mnemo or a worker');
  console.log(
    `network: ${all.length} connection attempts in the extension host during the suite (${workersStarted} workers watched), all local, none by mnemo`,
  );
});

describe('no network', () => {
  it('the tripwire is live in this extension host (a canary connection is seen)', async () => {
    await waitForActivation(30_000);
    const closed = net.createServer();
    await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise<void>(resolve => closed.close(() => resolve()));
    await new Promise<void>(resolve =>
      net
        .connect(port, '127.0.0.1')
        .on('error', () => resolve())
        .on('connect', () => resolve()),
    );
    const canary = hostAttempts.findIndex(a => a.kind === 'tcp' && a.port === port);
    assert.ok(canary >= 0, 'the guard saw the canary connection');
    hostAttempts.splice(canary, 1);
  });
});
