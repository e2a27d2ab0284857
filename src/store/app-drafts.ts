// What the ready flows (src/apps/) keep of a flow still open, in the tables migration 0005_apps created:
// drafts in app_records (what a person typed on the way: names, emails, ID details) and held slots in
// app_bookings (a slot taken for a contact who has not confirmed yet). A flow never completed leaves them
// behind; this deletes them once its token expired a grace period ago.
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * The columns of the apps' tables this needs. Their full types live with the apps
 * (src/apps/common/tables.ts), which the store may not import: the apps sit on the public API, above every
 * module. The store created these tables (0005_apps), so it knows their schema; declaring the few columns it
 * reads keeps the queries typed without that import. (A type, not an interface: withTables needs an index
 * signature.)
 */
type AppDraftTables = {
  app_records: { id: number; flow_token: string; status: string };
  app_bookings: { id: number; flow_token: string; status: string; hold_expires_at: number | null };
};

export class AppDraftsRepository {
  private readonly db: Kysely<Database & AppDraftTables>;

  constructor(db: Kysely<Database>) {
    this.db = db.withTables<AppDraftTables>();
  }

  /**
   * Deletes at most `limit` drafts and `limit` held slots of flows never completed whose tokens expired before
   * `expiredBefore` (an expired token is answered 427, so nothing can finish them). Submitted records and
   * confirmed bookings are never touched, nor are drafts of a completed flow.
   */
  async deleteAbandoned(expiredBefore: number, limit: number): Promise<{ drafts: number; holds: number }> {
    const drafts = await this.db
      .deleteFrom('app_records')
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('app_records as r')
          .innerJoin('flow_tokens as t', 't.token', 'r.flow_token')
          .select('r.id')
          .where('r.status', '=', 'draft')
          .where('t.state', '!=', 'completed')
          .where('t.expires_at', '<', expiredBefore)
          .limit(limit),
      )
      .executeTakeFirst();
    // A hold outlives its token only when its hold time was longer than the token's; both must have lapsed.
    const holds = await this.db
      .deleteFrom('app_bookings')
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('app_bookings as b')
          .innerJoin('flow_tokens as t', 't.token', 'b.flow_token')
          .select('b.id')
          .where('b.status', '=', 'held')
          .where('b.hold_expires_at', '<', expiredBefore)
          .where('t.state', '!=', 'completed')
          .where('t.expires_at', '<', expiredBefore)
          .limit(limit),
      )
      .executeTakeFirst();
    return { drafts: Number(drafts.numDeletedRows), holds: Number(holds.numDeletedRows) };
  }
}
