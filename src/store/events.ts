// Events: one row per normalized webhook event, claimed by its dedup key. The unique key is what makes
// processing exactly-once under Meta's retries: a second claim of the same key inserts nothing.
import type { Kysely, Selectable } from 'kysely';
import { chunks } from './chunks.js';
import type { WebhookEvent } from '../protocol/index.js';
import type { Database, EventsTable } from './schema.js';

export interface StoredEvent {
  id: number;
  dedupKey: string;
  kind: string;
  category: string;
  inboxId: number | null;
  waId: string | null;
  phoneNumberId: string | null;
  occurredAt: number | null;
  createdAt: number;
  event: WebhookEvent;
}

export interface EventQuery {
  /** Exact kind (`message.text`) or a prefix pattern (`message.*`). */
  kind?: string;
  waId?: string;
  limit?: number;
  /** Only events with an id lower than this (paging backwards). */
  beforeId?: number;
}

const CLAIM_CHUNK = 100;

export class EventsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Inserts the event unless its dedup key was seen before. Returns the new id, or null for a duplicate. */
  async claim(db: Kysely<Database>, event: WebhookEvent, inboxId: number | null, now: number): Promise<number | null> {
    const [id] = await this.claimMany(db, [{ event, inboxId }], now);
    return id ?? null;
  }

  /**
   * Claims many events with one statement per chunk. Returns, in input order, each event's new id, or null
   * when its key was claimed before — by an earlier delivery or by an earlier item of this same batch.
   */
  async claimMany(
    db: Kysely<Database>,
    items: readonly { event: WebhookEvent; inboxId: number | null }[],
    now: number,
  ): Promise<(number | null)[]> {
    const ids = new Map<string, number>();
    for (const chunk of chunks(items, CLAIM_CHUNK)) {
      const rows = await db
        .insertInto('events')
        .values(
          chunk.map(({ event, inboxId }) => ({
            dedup_key: event.dedupKey,
            kind: event.kind,
            category: event.category,
            inbox_id: inboxId,
            wa_id: contactWaId(event),
            phone_number_id: event.phoneNumberId,
            occurred_at: event.timestamp,
            created_at: now,
            payload: JSON.stringify(event),
          })),
        )
        .onConflict((oc) => oc.column('dedup_key').doNothing())
        .returning(['id', 'dedup_key'])
        .execute();
      for (const row of rows) ids.set(row.dedup_key, row.id);
    }
    // A key inserted by this batch belongs to its first item; later items with the same key are duplicates.
    return items.map(({ event }) => {
      const id = ids.get(event.dedupKey);
      if (id === undefined) return null;
      ids.delete(event.dedupKey);
      return id;
    });
  }

  async list(query: EventQuery = {}): Promise<StoredEvent[]> {
    let q = this.db.selectFrom('events').selectAll();
    if (query.kind !== undefined) {
      q = query.kind.endsWith('.*')
        ? q.where('kind', 'like', `${query.kind.slice(0, -1).replace(/[%_]/g, '')}%`)
        : q.where('kind', '=', query.kind);
    }
    if (query.waId !== undefined) q = q.where('wa_id', '=', query.waId);
    if (query.beforeId !== undefined) q = q.where('id', '<', query.beforeId);
    const rows = await q
      .orderBy('id', 'desc')
      .limit(query.limit ?? 50)
      .execute();
    return rows.map(toStored);
  }

  async get(id: number): Promise<StoredEvent | null> {
    const row = await this.db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? null : toStored(row);
  }

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return row.n;
  }
}

/** The WhatsApp id of the customer an event is about, if any. */
export function contactWaId(event: WebhookEvent): string | null {
  if (event.category === 'message') return event.fromWaId;
  if (event.category === 'status') return event.recipient === null ? null : event.recipient.replace(/^\+/, '');
  return null;
}

function toStored(row: Selectable<EventsTable>): StoredEvent {
  return {
    id: row.id,
    dedupKey: row.dedup_key,
    kind: row.kind,
    category: row.category,
    inboxId: row.inbox_id === null ? null : row.inbox_id,
    waId: row.wa_id,
    phoneNumberId: row.phone_number_id,
    occurredAt: row.occurred_at === null ? null : row.occurred_at,
    createdAt: row.created_at,
    event: JSON.parse(row.payload) as WebhookEvent,
  };
}
