// The worker's side of the protocol: checks each incoming message, routes it to the handler keyed
// by its type (one handler per entry of ToWorkerFromHost, checked at compile time), schedules it by
// the policy table below, and sends back chunks, one response per request, and events.
//
// Scheduling: requests that use the model or change memory rows go through one lane (in order, one
// at a time); a new `model/complete` cancels the completions before it, queued or running (typing
// supersedes the last completion); cheap reads of the store run at once.

import {
  badRequest,
  ChunkOf,
  EventOf,
  EventType,
  HostToWorkerMessage,
  MessageId,
  parseHostMessage,
  ProgressEvent,
  RequestMessage,
  RequestOf,
  RequestType,
  ResultOf,
  WorkerToHostMessage,
} from './protocol';
import { RequestLane } from './requestLane';
import { cancelledError, toProtocolError } from './workerErrors';

/** What a handler gets besides its request: cancellation, streaming and progress. */
export interface RequestContext<T extends RequestType> {
  readonly id: MessageId;
  readonly signal: AbortSignal;
  /** Sends one chunk of a streamed response (only streaming types have a chunk type). */
  chunk(data: ChunkOf<T>): void;
  /** Sends a progress event tagged with this request. */
  progress(event: Omit<ProgressEvent, 'requestId'>): void;
}

export type RequestHandler<T extends RequestType> = (data: RequestOf<T>, context: RequestContext<T>) => Promise<ResultOf<T>>;

/** One handler per request type; leaving one out is a compile error. */
export type RequestHandlers = { readonly [T in RequestType]: RequestHandler<T> };

export interface RequestPolicy {
  /** 'lane': one at a time in arrival order (model work, row changes); 'immediate': at once. */
  readonly run: 'lane' | 'immediate';
  /** A new request of this type cancels the earlier ones still queued or running. */
  readonly supersedesEarlier?: boolean;
}

export const REQUEST_POLICIES: { readonly [T in RequestType]: RequestPolicy } = {
  'worker/init': { run: 'immediate' },
  'worker/status': { run: 'immediate' },
  'worker/close': { run: 'immediate' },
  'memory/remember': { run: 'lane' },
  'memory/forget': { run: 'lane' },
  'memory/restore': { run: 'lane' },
  'memory/list': { run: 'immediate' },
  'memory/export': { run: 'immediate' },
  'memory/import': { run: 'lane' },
  'memory/inspect': { run: 'immediate' },
  'model/ask': { run: 'lane' },
  'model/complete': { run: 'lane', supersedesEarlier: true },
};

/** The part of a MessagePort (or parentPort) the messenger uses. */
export interface MessageEndpoint {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
}

interface Running {
  readonly type: RequestType;
  readonly controller: AbortController;
}

export class WorkerMessenger {
  readonly lane = new RequestLane();
  private readonly active = new Map<MessageId, Running>();

  constructor(
    private readonly endpoint: MessageEndpoint,
    private readonly handlers: RequestHandlers,
    private readonly policies: { readonly [T in RequestType]: RequestPolicy } = REQUEST_POLICIES,
  ) {
    endpoint.on('message', message => this.receive(message));
  }

  /** Sends an event to the host. */
  emit<E extends EventType>(type: E, data: EventOf<E>): void {
    this.post({ kind: 'event', type, data } as WorkerToHostMessage);
  }

  /** Handles one message from the host (public for tests that drive the messenger directly). */
  receive(raw: unknown): void {
    const parsed = parseHostMessage(raw);
    if (!parsed.ok) {
      const id = typeof (raw as { id?: unknown })?.id === 'number' ? ((raw as { id: number }).id as MessageId) : undefined;
      if (id !== undefined) this.post({ kind: 'response', id, ok: false, error: badRequest(parsed.error) });
      else this.emit('log', { level: 'warn', message: `dropped a malformed message: ${parsed.error}` });
      return;
    }
    this.dispatch(parsed.message);
  }

  private dispatch(message: HostToWorkerMessage): void {
    if (message.kind === 'cancel') {
      this.active.get(message.id)?.controller.abort(cancelReason('the request'));
      return;
    }
    if (this.active.has(message.id)) {
      this.post({ kind: 'response', id: message.id, ok: false, error: badRequest(`request id ${message.id} is already in use`) });
      return;
    }
    this.start(message);
  }

  private start<T extends RequestType>(message: RequestMessage & { type: T }): void {
    const { id, type } = message;
    const data = message.data as RequestOf<T>;
    const policy = this.policies[type];
    const controller = new AbortController();
    if (policy.supersedesEarlier) {
      for (const running of this.active.values()) {
        if (running.type === type) running.controller.abort(cancelReason(`a newer ${type} request`));
      }
    }
    this.active.set(id, { type, controller });
    const handler = this.handlers[type] as RequestHandler<T>;
    const context: RequestContext<T> = {
      id,
      signal: controller.signal,
      chunk: chunk => {
        if (!controller.signal.aborted) this.post({ kind: 'chunk', id, data: chunk });
      },
      progress: event => this.emit('progress', { ...event, requestId: id }),
    };
    const run = (signal: AbortSignal) => {
      signal.throwIfAborted();
      return handler(data, context);
    };
    const result = policy.run === 'lane' ? this.lane.enqueue({ controller, run }) : run(controller.signal);
    result
      .then(
        value => {
          // A handler that finished just as it was cancelled still counts as cancelled: the caller moved on.
          if (controller.signal.aborted) this.post({ kind: 'response', id, ok: false, error: cancelledOf(controller.signal) });
          else this.post({ kind: 'response', id, ok: true, data: value });
        },
        (error: unknown) => {
          const protocolError = controller.signal.aborted ? cancelledOf(controller.signal) : toProtocolError(error);
          this.post({ kind: 'response', id, ok: false, error: protocolError });
        },
      )
      .finally(() => this.active.delete(id));
  }

  private post(message: WorkerToHostMessage): void {
    this.endpoint.postMessage(message);
  }
}

function cancelReason(by: string): Error {
  const error = new Error(`cancelled by ${by}`);
  error.name = 'AbortError';
  return error;
}

function cancelledOf(signal: AbortSignal): ReturnType<typeof cancelledError> {
  const reason = signal.reason instanceof Error ? signal.reason.message : 'cancelled';
  return {
    code: 'cancelled',
    message: reason.startsWith('cancelled') ? `The request was ${reason}.` : `The request was cancelled: ${reason}.`,
  };
}
