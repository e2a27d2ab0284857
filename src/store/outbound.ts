// Outbound messages: the outbox row written (with its send job) before anything reaches Meta, then the
// wamid Meta assigns, and the status history that status webhooks add.
import type { Kysely, Selectable } from 'kysely';
import type { Database, MessagesTable, OutboundState } from './schema.js';

export interface NewOutbound {
  outboundId: string;
  idempotencyKey: string | null;
  waId: string;
  phoneNumberId: string | null;
  type: string;
  text: string | null;
  body: unknown;
  now: number;
}

export interface OutboundRecord {
  id: string;
  wamid: string | null;
  waId: string;
  phoneNumberId: string | null;
  type: string;
  text: string | null;
  body: unknown;
  state: OutboundState;
  status: string | null;
  statusAt: number | null;
  error: unknown;
  createdAt: number;
}

export interface StatusEntry {
  status: string;
  timestamp: number | null;
  errors: unknown;
}

const STATUS_RANK: Readonly<Record<string, number>> = { sent: 1, delivered: 2, read: 3, played: 4, failed: 5 };

export class OutboundRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Writes the outbox row. With an idempotency key already used, nothing is written and the earlier
   * message's id comes back with `created: false`.
   */
  async create(db: Kysely<Database>, m: NewOutbound): Promise<{ id: string; created: boolean }> {
    const inserted = await db
      .insertInto('messages')
      .values({
        wamid: null,
        direction: 'out',
        wa_id: m.waId,
        phone_number_id: m.phoneNumberId,
        type: m.type,
        text: m.text,
        payload: JSON.stringify(m.body),
        timestamp: Math.floor(m.now / 1000),
        status: null,
        status_at: null,
        error: null,
        created_at: m.now,
        outbound_id: m.outboundId,
        idempotency_key: m.idempotencyKey,
        state: 'queued',
      })
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .returning('outbound_id')
      .executeTakeFirst();
    if (inserted !== undefined) return { id: m.outboundId, created: true };
    const existing = await db
      .selectFrom('messages')
      .select('outbound_id')
      .where('idempotency_key', '=', m.idempotencyKey)
      .executeTakeFirstOrThrow();
    return { id: existing.outbound_id ?? m.outboundId, created: false };
  }

  async get(outboundId: string): Promise<OutboundRecord | null> {
    const row = await this.db
      .selectFrom('messages')
      .selectAll()
      .where('outbound_id', '=', outboundId)
      .executeTakeFirst();
    return row === undefined ? null : toRecord(row);
  }

  /**
   * Records the wamid Meta assigned. Status webhooks can arrive before this write (Meta is fast), so the
   * most advanced status already stored for the wamid is applied here too. With `within`, the writes join
   * that transaction.
   */
  async markAccepted(outboundId: string, wamid: string, within?: Kysely<Database>): Promise<void> {
    const write = async (trx: Kysely<Database>): Promise<void> => {
      await trx
        .updateTable('messages')
        .set({ wamid, state: 'accepted' })
        .where('outbound_id', '=', outboundId)
        .execute();
      const seen = await trx
        .selectFrom('statuses')
        .select(['status', 'timestamp', 'errors'])
        .where('wamid', '=', wamid)
        .execute();
      const best = seen.reduce<(typeof seen)[number] | null>(
        (acc, s) => ((STATUS_RANK[s.status] ?? 0) > (acc === null ? 0 : (STATUS_RANK[acc.status] ?? 0)) ? s : acc),
        null,
      );
      if (best !== null) {
        await trx
          .updateTable('messages')
          .set({
            status: best.status,
            status_at: best.timestamp,
            ...(best.errors === null ? {} : { error: best.errors }),
          })
          .where('outbound_id', '=', outboundId)
          .execute();
      }
    };
    // Inside the caller's transaction (the send worker removes the job in the same commit), or one of its own.
    await (within === undefined ? this.db.transaction().execute(write) : write(within));
  }

  async markFailed(outboundId: string, state: 'failed' | 'uncertain', error: unknown): Promise<void> {
    await this.db
      .updateTable('messages')
      .set({ state, error: JSON.stringify(error) })
      .where('outbound_id', '=', outboundId)
      .execute();
  }

  async statusHistory(wamid: string): Promise<StatusEntry[]> {
    const rows = await this.db
      .selectFrom('statuses')
      .select(['status', 'timestamp', 'errors'])
      .where('wamid', '=', wamid)
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      status: r.status,
      timestamp: r.timestamp,
      errors: r.errors === null ? null : (JSON.parse(r.errors) as unknown),
    }));
  }
}

function toRecord(row: Selectable<MessagesTable>): OutboundRecord {
  return {
    id: row.outbound_id ?? '',
    wamid: row.wamid,
    waId: row.wa_id,
    phoneNumberId: row.phone_number_id,
    type: row.type,
    text: row.text,
    body: JSON.parse(row.payload) as unknown,
    state: row.state ?? 'queued',
    status: row.status,
    statusAt: row.status_at,
    error: row.error === null ? null : (JSON.parse(row.error) as unknown),
    createdAt: row.created_at,
  };
}
