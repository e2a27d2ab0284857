// The inbox: an append-only log of the exact webhook bodies Meta signed, written before Flowgate answers 200.
import type { Kysely, Selectable } from 'kysely';
import type { Database, InboxTable } from './schema.js';

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

export class InboxRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly durably: <T>(fn: (db: Kysely<Database>) => Promise<T>) => Promise<T>,
  ) {}

  /** Appends bodies in one durable commit (group commit); returns their ids in order. */
  async append(items: readonly InboxAppend[]): Promise<number[]> {
    if (items.length === 0) return [];
    const rows = await this.durably((db) =>
      db
        .insertInto('inbox')
        .values(
          items.map((i) => ({
            received_at: i.receivedAt,
            body: i.body,
            headers: JSON.stringify(i.headers),
            processed_at: null,
            event_count: null,
          })),
        )
        .returning('id')
        .execute(),
    );
    return rows.map((r) => r.id);
  }

  /** The oldest bodies not yet dispatched. */
  async pending(limit: number): Promise<InboxRow[]> {
    const rows = await this.db
      .selectFrom('inbox')
      .selectAll()
      .where('processed_at', 'is', null)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toRow);
  }

  async markProcessed(db: Kysely<Database>, id: number, eventCount: number, at: number): Promise<void> {
    await db.updateTable('inbox').set({ processed_at: at, event_count: eventCount }).where('id', '=', id).execute();
  }

  /** Marks bodies received at or after `since` (ms) for dispatch again; dedup keeps it idempotent. */
  async requeueSince(since: number): Promise<number> {
    const result = await this.db
      .updateTable('inbox')
      .set({ processed_at: null, event_count: null })
      .where('received_at', '>=', since)
      .where('processed_at', 'is not', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async get(id: number): Promise<InboxRow | null> {
    const row = await this.db.selectFrom('inbox').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? null : toRow(row);
  }

  async counts(): Promise<{ total: number; pending: number }> {
    const row = await this.db
      .selectFrom('inbox')
      .select((eb) => [
        eb.fn.countAll<number>().as('total'),
        eb.fn.count<number>('id').filterWhere('processed_at', 'is', null).as('pending'),
      ])
      .executeTakeFirstOrThrow();
    return { total: row.total, pending: row.pending };
  }
}

function toRow(row: Selectable<InboxTable>): InboxRow {
  return {
    id: row.id,
    receivedAt: row.received_at,
    body: row.body,
    headers: JSON.parse(row.headers) as Record<string, string>,
    processedAt: row.processed_at === null ? null : row.processed_at,
    eventCount: row.event_count,
  };
}
