// Starts the worker thread. From source (tests, the CLI through tsx) the worker is worker.ts, run
// through tsx's CommonJS hook registered inside the worker; from a bundle it is worker.js beside the
// bundle (the build emits src/service/worker.ts as dist/worker.js next to dist/extension.js).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker, WorkerOptions } from 'node:worker_threads';

export function startWorker(workerData: unknown, script?: string): Worker {
  const options: WorkerOptions = { workerData, stdout: false, stderr: false };
  const file = script ?? defaultWorkerScript();
  if (file.endsWith('.ts')) {
    const tsx = require.resolve('tsx/cjs/api');
    const code = `require(${JSON.stringify(tsx)}).register();\nrequire(${JSON.stringify(file)});`;
    return new Worker(code, { ...options, eval: true });
  }
  return new Worker(file, options);
}

function defaultWorkerScript(): string {
  const source = path.join(__dirname, 'worker.ts');
  if (__filename.endsWith('.ts') && fs.existsSync(source)) return source;
  return path.join(__dirname, 'worker.js');
}
