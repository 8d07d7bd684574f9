// The host's side of the service: starts the worker thread that owns model and memory, sends typed
// requests, and resolves each with its typed result (or rejects with a ServiceError holding the
// protocol's error). Used by the CLI now and the VS Code extension later, so it never imports
// `vscode` and never does model math: the calling thread only posts messages.
//
//   const client = await ServiceClient.start({ storeDir, modelDir });
//   const note = await client.request('memory/remember', { text, kind: 'convention' }, { onProgress });
//   const stream = client.ask({ question });  for await (const chunk of stream) ...;  await stream.result;
//   await client.dispose();

import type { Worker } from 'node:worker_threads';
import { releaseStoreLocksOfEndedThread } from '../memory/store/upgrade';
import {
  AskChunk,
  AskRequest,
  AskResult,
  ChunkOf,
  EventOf,
  EventType,
  InitResponse,
  MessageId,
  parseWorkerMessage,
  ProgressEvent,
  RequestOf,
  RequestType,
  ResultOf,
  WorkerToHostMessage,
} from './protocol';
import { ServiceError } from './serviceError';
import type { WorkerStartData } from './worker';
import { startWorker } from './workerLauncher';

export interface ServiceClientOptions {
  readonly storeDir: string;
  readonly modelDir: string;
  /** Open a damaged store by moving bad files aside. */
  readonly recover?: boolean;
  /** Settings fixed for the worker's life (writer settings, secrets policy, author). */
  readonly defaults?: WorkerStartData['defaults'];
  /** The worker script; default worker.ts (from source) or worker.js (bundled) beside this file. */
  readonly workerScript?: string;
  /** Progress of opening the store: a store written with another model is re-learned first. */
  readonly onInitProgress?: (event: ProgressEvent) => void;
  /** Cancels opening (an upgrade keeps what it learned and resumes at the next start). */
  readonly signal?: AbortSignal;
}

export interface RequestOptions<T extends RequestType> {
  readonly signal?: AbortSignal;
  /** Streamed chunks (model/ask). */
  readonly onChunk?: (chunk: ChunkOf<T>) => void;
  /** Progress events of this request (model loading, write stages). */
  readonly onProgress?: (event: ProgressEvent) => void;
}

/** A streamed answer: iterate for text as it is decoded; `result` settles with the whole answer. */
export interface AskStream extends AsyncIterable<AskChunk> {
  readonly result: Promise<AskResult>;
  cancel(): void;
}

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: ServiceError) => void;
  readonly onChunk?: (chunk: unknown) => void;
  readonly onProgress?: (event: ProgressEvent) => void;
}

type Listener<E extends EventType> = (data: EventOf<E>) => void;

export class ServiceClient {
  private readonly pending = new Map<MessageId, Pending>();
  private readonly listeners: { [E in EventType]: Set<Listener<E>> } = { progress: new Set(), 'memory/changed': new Set(), log: new Set() };
  private nextId = 1;
  private stopped: ServiceError | null = null;
  private initResponse: InitResponse | null = null;

  /** Settles once the worker has exited and any store lock it was killed holding is released. */
  private readonly ended: Promise<void>;

  private constructor(
    private readonly worker: Worker,
    storeDir: string,
  ) {
    worker.on('message', (message: unknown) => this.receive(message));
    worker.on('error', error => this.stop(`the mnemo worker failed: ${error.message}`, error.stack));
    // A worker terminated mid-transaction (a close that timed out, a crash) leaves its lock behind
    // with this process's pid, which no other waiter would ever judge stale.
    const workerThread = worker.threadId;
    this.ended = new Promise(resolve =>
      worker.once('exit', code => {
        this.stop(`the mnemo worker exited (code ${code})`);
        void releaseStoreLocksOfEndedThread(storeDir, workerThread)
          .then(released => {
            if (released.length > 0)
              this.emit('log', { level: 'warn', message: `released the store lock the stopped worker held: ${released.join(', ')}` });
          })
          .catch(() => undefined)
          .finally(resolve);
      }),
    );
  }

  /** Starts a worker and opens the store in it; rejects (and stops the worker) if that fails. */
  static async start(options: ServiceClientOptions): Promise<ServiceClient> {
    const worker = startWorker({ defaults: options.defaults } satisfies WorkerStartData, options.workerScript);
    const client = new ServiceClient(worker, options.storeDir);
    try {
      client.initResponse = await client.request(
        'worker/init',
        { storeDir: options.storeDir, modelDir: options.modelDir, ...(options.recover ? { recover: true } : {}) },
        { onProgress: options.onInitProgress, signal: options.signal },
      );
    } catch (error) {
      await client.dispose();
      throw error;
    }
    return client;
  }

  /** What opening the store reported (model, note count, store messages). */
  get init(): InitResponse {
    return this.initResponse!;
  }

  /** Sends one request; resolves with its result, rejects with a ServiceError. */
  request<T extends RequestType>(type: T, data: RequestOf<T>, options: RequestOptions<T> = {}): Promise<ResultOf<T>> {
    if (this.stopped) return Promise.reject(this.stopped);
    const id = this.nextId++ as MessageId;
    return new Promise<ResultOf<T>>((resolve, reject) => {
      const { signal } = options;
      const onAbort = () => this.worker.postMessage({ kind: 'cancel', id });
      if (signal?.aborted) {
        reject(new ServiceError({ code: 'cancelled', message: `${type} was cancelled before it was sent` }));
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      const settle = () => signal?.removeEventListener('abort', onAbort);
      this.pending.set(id, {
        resolve: value => {
          settle();
          resolve(value as ResultOf<T>);
        },
        reject: error => {
          settle();
          reject(error);
        },
        onChunk: options.onChunk as ((chunk: unknown) => void) | undefined,
        onProgress: options.onProgress,
      });
      this.worker.postMessage({ kind: 'request', id, type, data });
    });
  }

  /** Asks a question; the answer streams as it is decoded. */
  ask(
    request: AskRequest,
    options: { readonly signal?: AbortSignal; readonly onProgress?: (event: ProgressEvent) => void } = {},
  ): AskStream {
    const controller = new AbortController();
    options.signal?.addEventListener('abort', () => controller.abort(), { once: true });
    const chunks: AskChunk[] = [];
    let wake: (() => void) | null = null;
    let finished = false;
    const result = this.request('model/ask', request, {
      signal: controller.signal,
      onProgress: options.onProgress,
      onChunk: chunk => {
        chunks.push(chunk);
        wake?.();
      },
    });
    void result
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => {
        finished = true;
        wake?.();
      });
    return {
      result,
      cancel: () => controller.abort(),
      async *[Symbol.asyncIterator]() {
        for (;;) {
          if (chunks.length > 0) {
            yield chunks.shift()!;
            continue;
          }
          if (finished) {
            await result; // surfaces the error, if any
            return;
          }
          await new Promise<void>(resolve => (wake = resolve));
          wake = null;
        }
      },
    };
  }

  /** Subscribes to worker events; returns the unsubscribe function. */
  on<E extends EventType>(type: E, listener: Listener<E>): () => void {
    const set = this.listeners[type] as Set<Listener<E>>;
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Requests still waiting for their response. */
  get inFlight(): number {
    return this.pending.size;
  }

  /**
   * Stops the worker; pending requests reject with `cancelled`. The worker first cancels them and
   * closes its store (the lock released), unless that takes longer than `closeTimeoutMs`.
   */
  async dispose(closeTimeoutMs = 10_000): Promise<void> {
    if (!this.stopped) {
      for (const id of this.pending.keys()) this.worker.postMessage({ kind: 'cancel', id });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.request('worker/close', {}).catch(() => undefined),
        new Promise<void>(resolve => (timer = setTimeout(resolve, closeTimeoutMs))),
      ]);
      clearTimeout(timer);
      if (!this.stopped) this.stop('the service was shut down', undefined, 'cancelled');
    }
    await this.worker.terminate();
    await this.ended;
  }

  private receive(raw: unknown): void {
    const parsed = parseWorkerMessage(raw);
    if (!parsed.ok) {
      this.emit('log', { level: 'error', message: `dropped a malformed message from the worker: ${parsed.error}` });
      return;
    }
    const message: WorkerToHostMessage = parsed.message;
    switch (message.kind) {
      case 'response': {
        const pending = this.pending.get(message.id);
        if (!pending) return;
        this.pending.delete(message.id);
        if (message.ok) pending.resolve(message.data);
        else pending.reject(new ServiceError(message.error));
        return;
      }
      case 'chunk':
        this.pending.get(message.id)?.onChunk?.(message.data);
        return;
      case 'event':
        if (message.type === 'progress' && message.data.requestId !== undefined) {
          this.pending.get(message.data.requestId)?.onProgress?.(message.data);
        }
        this.emit(message.type, message.data as never);
        return;
    }
  }

  private emit<E extends EventType>(type: E, data: EventOf<E>): void {
    for (const listener of this.listeners[type] as Set<Listener<E>>) listener(data);
  }

  private stop(message: string, stack?: string, code: 'internal' | 'cancelled' = 'internal'): void {
    if (this.stopped) return;
    this.stopped = new ServiceError(code === 'cancelled' ? { code, message } : { code, message, stack });
    for (const pending of this.pending.values()) pending.reject(this.stopped);
    this.pending.clear();
  }
}
