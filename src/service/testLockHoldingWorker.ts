// A stand-in worker for serviceClient.test: it answers `worker/init` while holding the store's lock,
// and never answers `worker/close`, as a worker stuck mid-transaction that the host must terminate.

import { parentPort } from 'node:worker_threads';
import { storePaths } from '../memory/store/load';
import { acquireLock } from '../memory/store/lock';

parentPort?.on('message', (message: { kind?: string; id?: number; type?: string; data?: { storeDir?: string } }) => {
  if (message.kind !== 'request' || message.type !== 'worker/init') return;
  void acquireLock(storePaths(String(message.data?.storeDir)).lock).then(() =>
    parentPort?.postMessage({ kind: 'response', id: message.id, ok: true, data: { held: true } }),
  );
});
