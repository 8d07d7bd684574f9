// The worker's single lane for work that uses the model or changes memory rows: jobs run one at a
// time, in arrival order, so writes are applied in the order they were asked for and a forward
// pass never sees rows change under it. A job can be cancelled while it waits (it leaves the queue
// at once) or while it runs (its AbortSignal fires; the job stops at its next check).

export interface LaneJob<T> {
  readonly controller: AbortController;
  readonly run: (signal: AbortSignal) => Promise<T>;
}

interface Entry {
  readonly controller: AbortController;
  readonly start: () => void;
  readonly reject: (reason: unknown) => void;
}

export class RequestLane {
  private readonly waiting: Entry[] = [];
  private running: Entry | null = null;

  /** Jobs waiting behind the running one. */
  get queued(): number {
    return this.waiting.length;
  }

  get busy(): boolean {
    return this.running !== null;
  }

  /** Adds a job; resolves with its result when it has run. Rejects with the abort reason if cancelled first. */
  enqueue<T>(job: LaneJob<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const entry: Entry = {
        controller: job.controller,
        reject,
        start: () => {
          job
            .run(job.controller.signal)
            .then(resolve, reject)
            .finally(() => {
              this.running = null;
              this.next();
            });
        },
      };
      const signal = job.controller.signal;
      if (signal.aborted) return reject(signal.reason);
      signal.addEventListener(
        'abort',
        () => {
          const index = this.waiting.indexOf(entry);
          if (index >= 0) {
            this.waiting.splice(index, 1);
            reject(signal.reason);
          }
        },
        { once: true },
      );
      this.waiting.push(entry);
      this.next();
    });
  }

  private next(): void {
    if (this.running) return;
    const entry = this.waiting.shift();
    if (!entry) return;
    this.running = entry;
    entry.start();
  }
}
