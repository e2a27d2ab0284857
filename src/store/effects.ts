// Exactly-once bookkeeping for handlers: which handler finished which event, and named effects that
// must commit at most once together with their own database writes.
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export class EffectsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async completedHandlers(eventId: number): Promise<Set<string>> {
    const rows = await this.db.selectFrom('handler_runs').select('handler').where('event_id', '=', eventId).execute();
    return new Set(rows.map((r) => r.handler));
  }

  async markHandlerDone(eventId: number, handler: string, now: number): Promise<void> {
    await this.db
      .insertInto('handler_runs')
      .values({ event_id: eventId, handler, completed_at: now })
      .onConflict((oc) => oc.columns(['event_id', 'handler']).doNothing())
      .execute();
  }

  /**
   * Runs `fn` in a transaction that also records `key`; if `key` was recorded before, `fn` does not run.
   * The writes `fn` makes through the given transaction therefore commit exactly once.
   * Keep `fn` to database work: the transaction holds the database while it runs.
   */
  async once<T>(
    key: string,
    now: number,
    fn: (trx: Kysely<Database>) => Promise<T>,
  ): Promise<{ ran: boolean; value?: T }> {
    return this.db.transaction().execute(async (trx) => {
      const claimed = await trx
        .insertInto('effects')
        .values({ key, created_at: now })
        .onConflict((oc) => oc.column('key').doNothing())
        .returning('key')
        .executeTakeFirst();
      if (claimed === undefined) return { ran: false };
      return { ran: true, value: await fn(trx) };
    });
  }
}
