// The worker thread's entry: owns one MemoryService (model + store) and talks to its host through
// the typed messenger. Started by ServiceClient (serviceClient.ts); never imported by the host.
// Nothing here writes to stdout: the host's terminal or editor belongs to the host, so everything
// the worker has to say travels as `log` and `progress` events.

import { parentPort, workerData } from 'node:worker_threads';
import type { MemoryServiceOptions } from './memoryService';
import { WorkerMessenger } from './messenger';
import { createWorkerHandlers } from './workerHandlers';

/** What the host passes as workerData. */
export interface WorkerStartData {
  readonly defaults?: Omit<MemoryServiceOptions, 'storeDir' | 'modelDir' | 'recover' | 'events'>;
}

function main(): void {
  const port = parentPort;
  if (!port) throw new Error('src/service/worker.ts runs as a worker thread (start it through ServiceClient)');
  const start = (workerData ?? {}) as WorkerStartData;
  let messenger: WorkerMessenger | null = null;
  const handlers = createWorkerHandlers({
    defaults: start.defaults,
    queued: () => messenger?.lane.queued ?? 0,
    events: {
      progress: event => messenger?.emit('progress', event),
      memoryChanged: event => messenger?.emit('memory/changed', event),
      log: event => messenger?.emit('log', event),
    },
  });
  messenger = new WorkerMessenger(port, handlers);
  process.on('unhandledRejection', reason => {
    messenger?.emit('log', {
      level: 'error',
      message: `unhandled rejection in the worker: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`,
    });
  });
}

main();
