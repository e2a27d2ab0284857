// Runs the handlers that match one event. Handlers that already finished (on an earlier attempt) are
// skipped, so a retry re-runs only the handler that failed and the ones after it.
import type { Job } from '../queue/index.js';
import type { Logger } from '../log/index.js';
import type { Store } from '../store/index.js';
import type { HandlerJob } from './dispatcher.js';
import type { HandlerContext, HandlerRouter } from './router.js';
import type { OutboundService } from './outbound.js';

export class HandlerFailedError extends Error {
  override readonly name = 'HandlerFailedError';
  readonly code = 'flowgate.handler.failed';
  constructor(
    readonly handler: string,
    cause: unknown,
  ) {
    super(`handler ${handler} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

export function createHandlerProcessor(deps: {
  store: Store;
  router: HandlerRouter;
  logger: Logger;
  now: () => number;
  outbound: OutboundService;
}) {
  return async (job: Job): Promise<void> => {
    const { eventId } = job.payload as HandlerJob;
    const stored = await deps.store.events.get(eventId);
    if (stored === null) throw new Error(`event ${eventId} no longer exists`);
    const done = await deps.store.effects.completedHandlers(eventId);
    for (const handler of deps.router.match(stored.kind)) {
      if (done.has(handler.name)) continue;
      const idempotencyKey = `${stored.dedupKey}:${handler.name}`;
      let sends = 0;
      const event = stored.event;
      const ctx: HandlerContext = {
        event: stored.event,
        eventId,
        attempt: job.attempts,
        idempotencyKey,
        log: deps.logger.child({ handler: handler.name, eventId, kind: stored.kind }),
        once: (name, fn) => deps.store.effects.once(`${idempotencyKey}:${name}`, deps.now(), fn),
        send: (to, message, options = {}) =>
          deps.outbound.send(to, message, { ...options, idempotencyKey: `${idempotencyKey}:send:${sends++}` }),
        reply: (message, options = {}) => {
          if (event.category !== 'message') {
            return Promise.reject(new Error(`ctx.reply needs a message event; this is a ${event.kind} event`));
          }
          return deps.outbound.send(event.from, message, {
            idempotencyKey: `${idempotencyKey}:send:${sends++}`,
            ...(options.quote === true ? { replyTo: event.id } : {}),
            ...(event.phoneNumberId === null ? {} : { phoneNumberId: event.phoneNumberId }),
          });
        },
      };
      try {
        await handler.fn(ctx);
      } catch (error) {
        throw new HandlerFailedError(handler.name, error);
      }
      await deps.store.effects.markHandlerDone(eventId, handler.name, deps.now());
    }
  };
}
