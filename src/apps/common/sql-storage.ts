// AppStorage on SQL (Kysely, SQLite): records keyed by (app, flow token) and bookings. A hold checks that
// no booking in force overlaps its slot and inserts it in one write transaction; SQLite has one writer at a
// time, which is what makes that check-then-insert atomic (on PostgreSQL it would need a lock per
// resource). The unique (resource, slot_start) index backs up slots that start together.
import type { Kysely, Selectable, Transaction } from 'kysely';
import type {
  AppRecord,
  AppRecordStatus,
  AppStorage,
  Booking,
  BookingDetails,
  BookingStatus,
  BookingStorage,
  HoldRequest,
  HoldResult,
} from './storage.js';
import type { AppBookingsTable, AppRecordsTable, AppsTables } from './tables.js';

type Db = Kysely<AppsTables> | Transaction<AppsTables>;

export class SqlAppStorage implements AppStorage {
  readonly bookings: BookingStorage;

  constructor(private readonly db: Kysely<AppsTables>) {
    this.bookings = new SqlBookingStorage(db);
  }

  async draft(app: string, flowToken: string): Promise<Record<string, unknown>> {
    const row = await this.find(this.db, app, flowToken);
    return row === undefined ? {} : parseData(row.data);
  }

  saveDraft(
    app: string,
    flowToken: string,
    waId: string,
    patch: Record<string, unknown>,
    now: number,
  ): Promise<Record<string, unknown>> {
    return this.db.transaction().execute(async (trx) => {
      // Write first: a SQLite transaction that reads before its first write cannot wait for the
      // write lock (SQLITE_BUSY at once when another connection wrote in between).
      await trx
        .insertInto('app_records')
        .values({ app, flow_token: flowToken, wa_id: waId, status: 'draft', data: '{}', created_at: now, updated_at: now })
        .onConflict((oc) => oc.columns(['app', 'flow_token']).doNothing())
        .execute();
      const row = await this.find(trx, app, flowToken);
      const data = { ...(row === undefined ? {} : parseData(row.data)), ...patch };
      await trx
        .updateTable('app_records')
        .set({ data: JSON.stringify(data), updated_at: now })
        .where('app', '=', app)
        .where('flow_token', '=', flowToken)
        .execute();
      return data;
    });
  }

  async submit(
    app: string,
    flowToken: string,
    waId: string,
    data: Record<string, unknown>,
    status: Exclude<AppRecordStatus, 'draft'>,
    now: number,
  ): Promise<AppRecord> {
    const json = JSON.stringify(data);
    const row = await this.db
      .insertInto('app_records')
      .values({ app, flow_token: flowToken, wa_id: waId, status, data: json, created_at: now, updated_at: now, submitted_at: now })
      .onConflict((oc) =>
        oc.columns(['app', 'flow_token']).doUpdateSet({ status, data: json, updated_at: now, submitted_at: now }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    return toRecord(row);
  }

  async markCompleted(app: string, flowToken: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('app_records')
      .set({ completed_at: now, updated_at: now })
      .where('app', '=', app)
      .where('flow_token', '=', flowToken)
      .where('status', '!=', 'draft')
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async record(app: string, flowToken: string): Promise<AppRecord | null> {
    const row = await this.find(this.db, app, flowToken);
    return row === undefined ? null : toRecord(row);
  }

  async latest(app: string, waId: string): Promise<AppRecord | null> {
    const [first] = await this.list(app, { waId, limit: 1 });
    return first ?? null;
  }

  async list(app: string, options: { waId?: string; limit?: number } = {}): Promise<AppRecord[]> {
    let query = this.db
      .selectFrom('app_records')
      .selectAll()
      .where('app', '=', app)
      .where('status', '!=', 'draft')
      .orderBy('submitted_at', 'desc')
      .orderBy('id', 'desc')
      .limit(options.limit ?? 100);
    if (options.waId !== undefined) query = query.where('wa_id', '=', options.waId);
    return (await query.execute()).map(toRecord);
  }

  private find(db: Db, app: string, flowToken: string): Promise<Selectable<AppRecordsTable> | undefined> {
    return db
      .selectFrom('app_records')
      .selectAll()
      .where('app', '=', app)
      .where('flow_token', '=', flowToken)
      .executeTakeFirst();
  }
}

class SqlBookingStorage implements BookingStorage {
  constructor(private readonly db: Kysely<AppsTables>) {}

  hold(request: HoldRequest): Promise<HoldResult> {
    const { resource, flowToken, now } = request;
    const slotStart = instant(request.slotStart);
    const slotEnd = instant(request.slotEnd);
    return this.db.transaction().execute(async (trx): Promise<HoldResult> => {
      // Write first (see saveDraft): dropping the expired holds this slot overlaps takes the write lock, so
      // the check and the insert below cannot interleave with another hold.
      await trx
        .deleteFrom('app_bookings')
        .where('resource', '=', resource)
        .where('slot_start', '<', slotEnd)
        .where('slot_end', '>', slotStart)
        .where('status', '=', 'held')
        .where('hold_expires_at', '<=', now)
        .execute();
      const current = await trx
        .selectFrom('app_bookings')
        .selectAll()
        .where('resource', '=', resource)
        .where('slot_start', '=', slotStart)
        .executeTakeFirst();
      if (current?.flow_token === flowToken) {
        if (current.status === 'confirmed') return { ok: true, booking: toBooking(current) };
        const row = await trx
          .updateTable('app_bookings')
          .set({ hold_expires_at: request.expiresAt })
          .where('id', '=', current.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        return { ok: true, booking: toBooking(row) };
      }
      // Any booking in force whose time overlaps this slot takes it (slots of different lengths, or a
      // schedule changed since, overlap without starting at the same time); this token's own holds do not.
      const clash = await trx
        .selectFrom('app_bookings')
        .select('id')
        .where('resource', '=', resource)
        .where('slot_start', '<', slotEnd)
        .where('slot_end', '>', slotStart)
        .where((eb) => eb.or([eb('flow_token', '!=', flowToken), eb('status', '!=', 'held')]))
        .executeTakeFirst();
      // A lost race keeps the hold the customer had.
      if (clash !== undefined) return { ok: false, reason: 'taken' };
      // One slot per flow: the new hold releases the previous one.
      await trx.deleteFrom('app_bookings').where('flow_token', '=', flowToken).where('status', '=', 'held').execute();
      const row = await trx
        .insertInto('app_bookings')
        .values({
          resource,
          slot_start: slotStart,
          slot_end: slotEnd,
          flow_token: flowToken,
          wa_id: request.waId,
          status: 'held',
          hold_expires_at: request.expiresAt,
          created_at: now,
        })
        .onConflict((oc) => oc.doNothing())
        .returningAll()
        .executeTakeFirst();
      return row === undefined ? { ok: false, reason: 'taken' } : { ok: true, booking: toBooking(row) };
    });
  }

  async busy(
    resource: string,
    fromIso: string,
    toIso: string,
    now: number,
    exceptToken?: string,
  ): Promise<{ start: string; end: string }[]> {
    let query = this.db
      .selectFrom('app_bookings')
      .select(['slot_start', 'slot_end'])
      .where('resource', '=', resource)
      .where('slot_start', '<', instant(toIso))
      .where('slot_end', '>', instant(fromIso))
      .where((eb) => eb.or([eb('status', '=', 'confirmed'), eb('hold_expires_at', '>', now)]));
    if (exceptToken !== undefined) query = query.where('flow_token', '!=', exceptToken);
    return (await query.execute()).map((row) => ({ start: row.slot_start, end: row.slot_end }));
  }

  async confirm(flowToken: string, details: BookingDetails, now: number, earliestStart: number): Promise<Booking | null> {
    const row = await this.db
      .updateTable('app_bookings')
      .set({ status: 'confirmed', hold_expires_at: null, confirmed_at: now, ...details })
      .where('flow_token', '=', flowToken)
      .where('status', '=', 'held')
      .where('slot_start', '>=', new Date(earliestStart).toISOString())
      .returningAll()
      .executeTakeFirst();
    if (row !== undefined) return toBooking(row);
    const confirmed = await this.byToken(flowToken);
    return confirmed?.status === 'confirmed' ? confirmed : null;
  }

  async byToken(flowToken: string): Promise<Booking | null> {
    const row = await this.db
      .selectFrom('app_bookings')
      .selectAll()
      .where('flow_token', '=', flowToken)
      .orderBy('id', 'desc')
      .executeTakeFirst();
    return row === undefined ? null : toBooking(row);
  }

  async list(resource: string): Promise<Booking[]> {
    const rows = await this.db
      .selectFrom('app_bookings')
      .selectAll()
      .where('resource', '=', resource)
      .orderBy('slot_start')
      .execute();
    return rows.map(toBooking);
  }

  async markCompleted(flowToken: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('app_bookings')
      .set({ completed_at: now })
      .where('flow_token', '=', flowToken)
      .where('status', '=', 'confirmed')
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }
}

/**
 * One spelling of an instant (`2026-01-06T09:00:00.000Z`): the overlap tests compare stored instants as
 * text, which orders them only when they are written alike ("…09:30:00Z" sorts after "…09:30:00.000Z").
 */
function instant(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : new Date(ms).toISOString();
}

function parseData(text: string): Record<string, unknown> {
  const value = JSON.parse(text) as unknown;
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function toRecord(row: Selectable<AppRecordsTable>): AppRecord {
  return {
    id: row.id,
    app: row.app,
    flowToken: row.flow_token,
    waId: row.wa_id,
    status: row.status as AppRecordStatus,
    data: parseData(row.data),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    submittedAt: row.submitted_at,
    completedAt: row.completed_at,
  };
}

function toBooking(row: Selectable<AppBookingsTable>): Booking {
  return {
    id: row.id,
    resource: row.resource,
    slotStart: row.slot_start,
    slotEnd: row.slot_end,
    flowToken: row.flow_token,
    waId: row.wa_id,
    status: row.status as BookingStatus,
    holdExpiresAt: row.hold_expires_at,
    name: row.name,
    email: row.email,
    notes: row.notes,
    createdAt: row.created_at,
    confirmedAt: row.confirmed_at,
    completedAt: row.completed_at,
  };
}
