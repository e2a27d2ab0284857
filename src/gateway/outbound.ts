// Outbound messaging: `send` validates with the protocol builders, applies the 24-hour window rule and
// writes the outbox row and its send job in one transaction; the send worker passes each job through the
// per-number rate limiter to the Graph API and records the wamid. A send is retried only when Meta
// provably did not accept it, so no message is ever sent twice.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { buildMessage, isFreeForm, type OutboundMessage } from '../protocol/index.js';
import { GraphNetworkError, GraphRequestError, type GraphClient } from '../graph/index.js';
import { GraphApiError } from '../protocol/index.js';
import type { Job, Queue, QueueTables } from '../queue/index.js';
import type { Logger } from '../log/index.js';
import type { Database, Store } from '../store/index.js';
import type { SlidingWindowLimiter } from './rate-limiter.js';
import type { JobContext } from '../queue/index.js';
import { assertWithinWindow } from './window.js';
import { errorMessage } from './error-message.js';

export const OUTBOUND_QUEUE = 'outbound';

export interface OutboundJob {
  outboundId: string;
}

export interface SendOptions {
  /** Quote this inbound message (wamid) in the reply. */
  replyTo?: string;
  /** A second send with the same key is not sent again; the first message's id is returned. */
  idempotencyKey?: string;
  /** Send from this business number instead of the configured one. */
  phoneNumberId?: string;
}

export interface SendResult {
  /** Flowgate's id of the outbound message (the wamid comes later, once Meta accepts it). */
  id: string;
  /** False when the idempotency key was used before and nothing new was queued. */
  created: boolean;
}

export class OutboundConfigError extends Error {
  override readonly name = 'OutboundConfigError';
  readonly code = 'flowgate.outbound.not_configured';
  readonly status = 503;
}

export interface OutboundServiceOptions {
  store: Store;
  queue: Queue<Kysely<QueueTables>>;
  phoneNumberId: string | null;
  now?: () => number;
  newId?: () => string;
  onQueued?: () => void;
}

export class OutboundService {
  private readonly now: () => number;
  private readonly newId: () => string;

  constructor(private readonly options: OutboundServiceOptions) {
    this.now = options.now ?? Date.now;
    this.newId = options.newId ?? (() => `out_${randomBytes(12).toString('base64url')}`);
  }

  /**
   * Stores the message and its send job in one transaction. `alsoStore` runs in that transaction when a
   * message is queued (not for a repeated idempotency key), so what belongs to the message (a Flow
   * message's token) is committed with it or not at all.
   */
  async send(
    to: string,
    message: OutboundMessage,
    options: SendOptions = {},
    alsoStore?: (trx: Kysely<Database>, outboundId: string) => Promise<void>,
  ): Promise<SendResult> {
    const phoneNumberId = options.phoneNumberId ?? this.options.phoneNumberId;
    if (phoneNumberId === null) {
      throw new OutboundConfigError('no business phone number is configured: set FLOWGATE_PHONE_NUMBER_ID');
    }
    // Builders throw MessageValidationError (400) before anything is stored or sent.
    const body = buildMessage(to, message, options.replyTo === undefined ? {} : { replyTo: options.replyTo });
    const waId = body.to;
    const { store, queue } = this.options;

    const result = await store.transaction(async (trx) => {
      if (isFreeForm(message)) {
        const contact = await trx
          .selectFrom('contacts')
          .select('last_inbound_at')
          .where('wa_id', '=', waId)
          .executeTakeFirst();
        assertWithinWindow(contact?.last_inbound_at ?? null, this.now());
      }
      const created = await store.outbound.create(trx, {
        outboundId: this.newId(),
        idempotencyKey: options.idempotencyKey ?? null,
        waId,
        phoneNumberId,
        type: message.type,
        text: summary(message),
        body,
        now: this.now(),
      });
      if (created.created) {
        await alsoStore?.(trx, created.id);
        await queue.enqueue(
          [
            {
              queue: OUTBOUND_QUEUE,
              key: `o:${created.id}`,
              payload: { outboundId: created.id } satisfies OutboundJob,
            },
          ],
          trx as unknown as Kysely<QueueTables>,
        );
      }
      return created;
    });
    if (result.created) this.options.onQueued?.();
    return result;
  }
}

/** Why a failed send is or is not retried. */
class SendRetryLater extends Error {
  override readonly name = 'SendRetryLater';
  constructor(
    message: string,
    readonly retryAfterMs: number | undefined,
    options: { cause: unknown },
  ) {
    super(message, options);
  }
}

class SendFailed extends Error {
  override readonly name = 'SendFailed';
  readonly permanent = true;
}

export function createOutboundProcessor(deps: {
  store: Store;
  graph: GraphClient;
  limiter: SlidingWindowLimiter;
  logger: Logger;
}) {
  return async (job: Job, context?: JobContext): Promise<void> => {
    const { outboundId } = job.payload as OutboundJob;
    const record = await deps.store.outbound.get(outboundId);
    if (record === null) throw new SendFailed(`outbound message ${outboundId} no longer exists`);
    if (record.state !== 'queued') return; // already settled by an earlier attempt
    const phoneNumberId = record.phoneNumberId;
    if (phoneNumberId === null) throw new SendFailed(`outbound message ${outboundId} has no sending phone number`);

    try {
      // The request leaves in the step that takes the limiter's slot (see SlidingWindowLimiter.run).
      const sent = await deps.limiter.run(phoneNumberId, () =>
        deps.graph.sendMessage(phoneNumberId, record.body as Record<string, unknown>),
      );
      // The wamid and the job's removal in one commit (a failure lands in the catch below: never retried).
      await deps.store.transaction(async (trx) => {
        await deps.store.outbound.markAccepted(outboundId, sent.wamid, trx);
        await context?.ackWithin(trx);
      });
    } catch (error) {
      const verdict = classifySendFailure(error);
      if (verdict.kind === 'retry') {
        throw new SendRetryLater(`send not accepted by Meta (${errorMessage(error)}); retrying`, verdict.retryAfterMs, {
          cause: error,
        });
      }
      await deps.store.outbound.markFailed(outboundId, verdict.kind, errorDetails(error));
      deps.logger.warn({ outboundId, state: verdict.kind, err: error }, 'outbound message not sent');
      throw new SendFailed(
        `send ${verdict.kind === 'uncertain' ? 'outcome unknown (not retried, it may have been sent)' : 'refused'}: ${errorMessage(error)}`,
        {
          cause: error,
        },
      );
    }
  };
}

type Verdict = { kind: 'retry'; retryAfterMs: number | undefined } | { kind: 'failed' } | { kind: 'uncertain' };

/**
 * Only failures that prove Meta did not take the message are retried: rate limits that say the request was
 * not processed (130429, 131056, 4, 80007, HTTP 429) and connections that failed before anything was sent.
 * A timeout or a 5xx after sending may have sent it: that is `uncertain`, never retried automatically.
 */
function classifySendFailure(error: unknown): Verdict {
  if (error instanceof GraphApiError && error.retrySafe)
    return { kind: 'retry', retryAfterMs: error.retryAfterMs ?? undefined };
  if (error instanceof GraphNetworkError && error.beforeSend) return { kind: 'retry', retryAfterMs: undefined };
  if (error instanceof GraphRequestError && error.mayHaveBeenSent) return { kind: 'uncertain' };
  return { kind: 'failed' };
}

function errorDetails(error: unknown): Record<string, unknown> {
  const e = error as { name?: unknown; message?: unknown; metaCode?: unknown; details?: unknown; fbtraceId?: unknown };
  return {
    name: e.name ?? null,
    message: e.message ?? String(error),
    code: e.metaCode ?? null,
    details: e.details ?? null,
    fbtraceId: e.fbtraceId ?? null,
  };
}

function summary(message: OutboundMessage): string | null {
  switch (message.type) {
    case 'text':
      return message.body;
    case 'template':
      return `template ${message.name}`;
    default:
      return 'body' in message && typeof message.body === 'string' ? message.body : null;
  }
}
