// The inbox: an append-only log of the exact webhook bodies Meta signed, written before Flowgate answers 200.
// The bodies live in the inbox database (a file of its own under SQLite); which of them were dispatched is
// recorded in the main database's `inbox_state`, inside each dispatch transaction. Dispatch goes in inbox
// order, so the dispatched rows are a prefix of the inbox: the pending ones are those after the last one
// recorded.
import type { Kysely, Selectable } from 'kysely';
import { chunks } from './chunks.js';
import type { Database, InboxDatabase, InboxTable } from './schema.js';

export interface InboxAppend {
  body: Uint8Array;
  headers: Record<string, string>;
  receivedAt: number;
}

export interface InboxRow {
  id: number;
  receivedAt: number;
  body: Uint8Array;
  headers: Record<string, string>;
  processedAt: number | null;
  eventCount: number | null;
}

/** Appends bodies in one commit (group commit; durable as the inbox database is); their ids in order. */
export async function appendToInbox(inbox: Kysely<InboxDatabase>, items: readonly InboxAppend[]): Promise<number[]> {
  if (items.length === 0) return [];
  const rows = await inbox
    .insertInto('inbox')
    .values(
      items.map((i) => ({
        received_at: i.receivedAt,
        body: i.body,
        headers: JSON.stringify(i.headers),
      })),
    )
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

/** Rows per upsert into inbox_state (3 parameters each; chunks.ts). */
const STATE_CHUNK = 500;

export class InboxRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly inbox: Kysely<InboxDatabase>,
  ) {}

  append(items: readonly InboxAppend[]): Promise<number[]> {
    return appendToInbox(this.inbox, items);
  }

  /** The oldest bodies not yet dispatched. */
  async pending(limit: number): Promise<InboxRow[]> {
    return (await this.pendingAfter(limit)).rows;
  }

  /** The same, with the id of the last dispatched body they follow (0: none). */
  async pendingAfter(limit: number): Promise<{ after: number; rows: InboxRow[] }> {
    const after = await this.dispatchedUpTo(this.db);
    const rows = await this.inbox
      .selectFrom('inbox')
      .selectAll()
      .where('id', '>', after)
      .orderBy('id')
      .limit(limit)
      .execute();
    return { after, rows: rows.map((row) => toRow(row, null)) };
  }

  /** The id of the last dispatched body (0: none), read through `db` (a transaction, or the store). */
  async dispatchedUpTo(db: Kysely<Database>): Promise<number> {
    const row = await db
      .selectFrom('inbox_state')
      .select((eb) => eb.fn.max<number | null>('inbox_id').as('id'))
      .executeTakeFirst();
    return row?.id ?? 0;
  }

  /** Records a body as dispatched, inside the dispatch transaction `db`. */
  async markProcessed(db: Kysely<Database>, id: number, eventCount: number, at: number): Promise<void> {
    await this.markManyProcessed(db, [{ id, eventCount }], at);
  }

  async markManyProcessed(
    db: Kysely<Database>,
    rows: readonly { id: number; eventCount: number }[],
    at: number,
  ): Promise<void> {
    for (const chunk of chunks(rows, STATE_CHUNK)) {
      await db
        .insertInto('inbox_state')
        .values(chunk.map(({ id, eventCount }) => ({ inbox_id: id, processed_at: at, event_count: eventCount })))
        .onConflict((oc) =>
          oc.column('inbox_id').doUpdateSet((eb) => ({
            processed_at: eb.ref('excluded.processed_at'),
            event_count: eb.ref('excluded.event_count'),
          })),
        )
        .execute();
    }
  }

  /**
   * Puts bodies received at or after `since` (ms) back for dispatch; dedup keeps it idempotent. Dispatched
   * rows stay a prefix: everything from the first such body on is dispatched again. Returns how many
   * dispatched rows were put back.
   */
  async requeueSince(since: number): Promise<number> {
    const first = await this.inbox
      .selectFrom('inbox')
      .select((eb) => eb.fn.min<number | null>('id').as('id'))
      .where('received_at', '>=', since)
      .executeTakeFirst();
    if (first?.id === null || first?.id === undefined) return 0;
    const result = await this.db.deleteFrom('inbox_state').where('inbox_id', '>=', first.id).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async get(id: number): Promise<InboxRow | null> {
    const row = await this.inbox.selectFrom('inbox').selectAll().where('id', '=', id).executeTakeFirst();
    if (row === undefined) return null;
    const state = await this.db
      .selectFrom('inbox_state')
      .select(['processed_at', 'event_count'])
      .where('inbox_id', '=', id)
      .executeTakeFirst();
    return toRow(row, state ?? null);
  }

  async counts(): Promise<{ total: number; pending: number }> {
    const after = await this.dispatchedUpTo(this.db);
    const row = await this.inbox
      .selectFrom('inbox')
      .select((eb) => [
        eb.fn.countAll<number>().as('total'),
        eb.fn.count<number>('id').filterWhere('id', '>', after).as('pending'),
      ])
      .executeTakeFirstOrThrow();
    return { total: row.total, pending: row.pending };
  }
}

function toRow(row: Selectable<InboxTable>, state: { processed_at: number; event_count: number } | null): InboxRow {
  return {
    id: row.id,
    receivedAt: row.received_at,
    body: row.body,
    headers: JSON.parse(row.headers) as Record<string, string>,
    processedAt: state === null ? null : state.processed_at,
    eventCount: state === null ? null : state.event_count,
  };
}
