// The dispatcher: inbox → parse every item → claim each event's dedup key → write records → enqueue jobs,
// all in one transaction per batch, then mark the inbox rows done. A crash anywhere replays the batch, and
// the dedup keys make the replay a no-op for everything already claimed.
import type { Kysely } from 'kysely';
import { parseWebhook, type WebhookEvent } from '../protocol/index.js';
import type { JobSpec, Queue, QueueTables } from '../queue/index.js';
import type { Logger } from '../log/index.js';
import type { Database, InboxRow, Store } from '../store/index.js';
import { mediaJobForEvent } from '../media/jobs.js';
import { errorMessage } from './error-message.js';

export const HANDLER_QUEUE = 'handlers';
export const FORWARD_QUEUE = 'forward';

export interface HandlerJob {
  eventId: number;
}

export interface ForwardJob {
  eventId: number;
  url: string;
}

/** Which event kinds have handlers (the HandlerRouter, or a snapshot of its patterns in the ingest thread). */
export interface HandlerInterest {
  handles(kind: string): boolean;
}

export interface DispatcherOptions {
  store: Store;
  queue: Queue<Kysely<QueueTables>>;
  router: HandlerInterest;
  forwardUrls: readonly string[];
  logger: Logger;
  now?: () => number;
  /** Inbox rows per transaction. */
  batchSize?: number;
  /** Called after jobs were enqueued (wakes the workers). */
  onJobs?: (queues: ReadonlySet<string>) => void;
  onEvents?: (claimed: number, duplicates: number) => void;
  /** Queue a `media` download job for each inbound media message (needs a Graph client and a blob store). */
  mediaDownloads?: boolean;
  /**
   * Awaited after each batch of a drain but the last, with the milliseconds the batch took: a drain of a long
   * backlog can give way to other threads between its transactions (see dispatch-thread.ts).
   */
  pace?: (batchMs: number) => Promise<void>;
}

export interface DispatchResult {
  bodies: number;
  claimed: number;
  duplicates: number;
}

/** A batch read before `inbox reprocess` put dispatched rows back: nothing was written, read again. */
const STALE = Symbol('stale inbox cursor');
type Stale = typeof STALE;

export class Dispatcher {
  private readonly now: () => number;
  private readonly batchSize: number;

  constructor(private readonly options: DispatcherOptions) {
    this.now = options.now ?? Date.now;
    this.batchSize = options.batchSize ?? 200;
  }

  /** Dispatches pending inbox rows until a batch finds fewer than a full batch left. */
  async drain(): Promise<DispatchResult> {
    const total: DispatchResult = { bodies: 0, claimed: 0, duplicates: 0 };
    for (;;) {
      const started = performance.now();
      const { after, rows } = await this.options.store.inbox.pendingAfter(this.batchSize);
      if (rows.length === 0) return total;
      const results = await this.dispatchIsolating(rows, after);
      if (results === STALE) continue; // `inbox reprocess` ran meanwhile: read the pending rows again
      for (const result of results) {
        total.bodies += result.bodies;
        total.claimed += result.claimed;
        total.duplicates += result.duplicates;
      }
      // A short batch took everything pending when it was read; what arrived since is the next drain's.
      if (rows.length < this.batchSize) return total;
      await this.options.pace?.(performance.now() - started);
    }
  }

  /**
   * Dispatches a batch; if the batch fails, each row alone, so one row that cannot be dispatched does not
   * hold back the others. A row that fails alone is quarantined: marked done and surfaced as a
   * `parse_error` event for people to inspect (its raw body stays in the inbox for `inbox reprocess`).
   */
  private async dispatchIsolating(rows: readonly InboxRow[], after: number): Promise<DispatchResult[] | Stale> {
    try {
      const result = await this.dispatch(rows, after);
      return result === STALE ? STALE : [result];
    } catch (batchError) {
      if (rows.length === 1 && rows[0] !== undefined) {
        return (await this.quarantine(rows[0], batchError, after)) === STALE
          ? STALE
          : [{ bodies: 1, claimed: 0, duplicates: 0 }];
      }
      const results: DispatchResult[] = [];
      for (const row of rows) {
        const alone = await this.dispatchIsolating([row], after);
        if (alone === STALE) return STALE;
        results.push(...alone);
      }
      return results;
    }
  }

  private async quarantine(row: InboxRow, error: unknown, after: number): Promise<Stale | null> {
    const message = errorMessage(error);
    this.options.logger.error({ err: error, inboxId: row.id }, 'webhook body could not be dispatched; quarantined');
    const now = this.now();
    return this.options.store.transaction(async (trx) => {
      if (await this.cursorMoved(trx, after)) return STALE;
      await this.options.store.events.claim(trx, quarantineEvent(row, message), row.id, now);
      await this.options.store.inbox.markProcessed(trx, row.id, 0, now);
      return null;
    });
  }

  /**
   * The dispatched rows must stay a prefix of the inbox (see InboxRepository): a batch read after `after`
   * is written only if every row up to `after` is still recorded as dispatched, which `inbox reprocess`
   * may have undone since the batch was read.
   */
  private async cursorMoved(trx: Kysely<Database>, after: number): Promise<boolean> {
    return (await this.options.store.inbox.dispatchedUpTo(trx)) < after;
  }

  /** Dispatches a batch of inbox rows (the ones after `after`) in one transaction. */
  private async dispatch(rows: readonly InboxRow[], after: number): Promise<DispatchResult | Stale> {
    const parsed = rows.map((row) => ({ row, events: parseWebhook(row.body) }));
    const queues = new Set<string>();
    const result: DispatchResult = { bodies: rows.length, claimed: 0, duplicates: 0 };
    const now = this.now();

    const outcome = await this.options.store.transaction(async (trx) => {
      if (await this.cursorMoved(trx, after)) return STALE;
      const items = parsed.flatMap(({ row, events }) => events.map((event) => ({ event, inboxId: row.id })));
      const ids = await this.options.store.events.claimMany(trx, items, now);
      const claimed: { eventId: number; event: WebhookEvent }[] = [];
      items.forEach(({ event }, i) => {
        const eventId = ids[i];
        if (eventId === null || eventId === undefined) result.duplicates++;
        else claimed.push({ eventId, event });
      });
      result.claimed = claimed.length;
      await this.options.store.records.applyMany(trx, claimed, now);
      const jobs = claimed.flatMap(({ eventId, event }) => this.jobsFor(eventId, event));
      await this.options.queue.enqueue(jobs, asQueueExecutor(trx));
      for (const job of jobs) queues.add(job.queue);
      await this.options.store.inbox.markManyProcessed(
        trx,
        parsed.map(({ row, events }) => ({ id: row.id, eventCount: events.length })),
        now,
      );
      return null;
    });
    if (outcome === STALE) return STALE;

    for (const { events } of parsed) {
      for (const event of events) {
        if (event.category === 'parse_error') {
          this.options.logger.warn(
            { kind: event.kind, error: event.error, path: event.path },
            'webhook item could not be parsed',
          );
        }
      }
    }
    this.options.onEvents?.(result.claimed, result.duplicates);
    if (queues.size > 0) this.options.onJobs?.(queues);
    return result;
  }

  private jobsFor(eventId: number, event: WebhookEvent): JobSpec[] {
    const jobs: JobSpec[] = [];
    if (this.options.router.handles(event.kind)) {
      jobs.push({ queue: HANDLER_QUEUE, key: `h:${eventId}`, payload: { eventId } satisfies HandlerJob });
    }
    const media = this.options.mediaDownloads === true ? mediaJobForEvent(eventId, event) : null;
    if (media !== null) jobs.push(media);
    for (const url of this.options.forwardUrls) {
      jobs.push({ queue: FORWARD_QUEUE, key: `f:${eventId}:${url}`, payload: { eventId, url } satisfies ForwardJob });
    }
    return jobs;
  }
}

function quarantineEvent(row: InboxRow, message: string): WebhookEvent {
  return {
    kind: 'parse_error',
    category: 'parse_error',
    dedupKey: `dispatch-error:${row.id}`,
    field: null,
    wabaId: null,
    phoneNumberId: null,
    displayPhoneNumber: null,
    timestamp: Math.floor(row.receivedAt / 1000),
    error: `dispatch failed: ${message}`,
    path: null,
  };
}

/**
 * The jobs table lives in the same database as the events (a transactional outbox), so the dispatch
 * transaction is also a valid executor for the queue's own table.
 */
function asQueueExecutor(trx: Kysely<Database>): Kysely<QueueTables> {
  return trx as unknown as Kysely<QueueTables>;
}
