// The worker's handlers, one per request type, over one MemoryService (one store per worker).
// `worker/init` opens it; every other request before that fails with `not-ready`.

import type { RequestHandlers } from './messenger';
import { MemoryService, MemoryServiceOptions, ServiceEvents } from './memoryService';
import { BadRequestError, NotReadyError } from './workerErrors';

export interface WorkerHost {
  /** Options beyond the init request (writer settings, secrets policy) fixed when the worker starts. */
  readonly defaults?: Omit<MemoryServiceOptions, 'storeDir' | 'modelDir' | 'recover' | 'events'>;
  readonly events: ServiceEvents;
  /** Requests waiting in the lane, for status. */
  queued(): number;
}

export function createWorkerHandlers(host: WorkerHost): RequestHandlers & { readonly service: () => MemoryService | null } {
  let service: MemoryService | null = null;
  let opening: Promise<MemoryService> | null = null;

  const ready = (): MemoryService => {
    if (service) return service;
    throw new NotReadyError(
      opening ? 'The memory store is still opening.' : 'The service has no memory store open.',
      opening ? 'Wait for the worker/init response.' : 'Send worker/init with the store and model directories first.',
    );
  };

  return {
    service: () => service,
    'worker/init': async (request, context) => {
      if (service || opening) {
        const current = service?.store.paths.dir;
        throw new BadRequestError(
          `This worker already has ${current ? `the store ${current}` : 'a store opening'}; start another worker for another store.`,
        );
      }
      opening = MemoryService.open(
        { ...host.defaults, storeDir: request.storeDir, modelDir: request.modelDir, recover: request.recover, events: host.events },
        context,
      );
      try {
        service = await opening;
      } finally {
        opening = null;
      }
      return service.initResponse();
    },
    'worker/status': async () => {
      if (!service) return { state: 'starting', queued: host.queued() };
      return {
        state: service.state,
        model: service.model.identity,
        storeDir: service.store.paths.dir,
        notes: service.store.liveNotes().length,
        queued: host.queued(),
      };
    },
    'worker/close': async () => {
      const open = service ?? (await opening?.catch(() => null)) ?? null;
      await open?.close();
      return {};
    },
    'memory/remember': (request, context) => ready().remember(request, context),
    'memory/forget': request => ready().forget(request),
    'memory/restore': request => ready().restore(request),
    'memory/list': request => ready().list(request),
    'memory/export': request => ready().exportTo(request),
    'memory/import': (request, context) => ready().importFrom(request, context),
    'memory/inspect': request => ready().inspect(request),
    'model/ask': (request, context) => ready().ask(request, { ...context, onChunk: chunk => context.chunk(chunk) }),
    'model/complete': (request, context) => ready().complete(request, context),
  };
}
