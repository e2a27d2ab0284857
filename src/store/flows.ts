// Repository of the flow runtime: flow tokens (issue, look up, progress, complete), submissions,
// error notifications and stored picker files.
import { sql, type Kysely, type Selectable } from 'kysely';
import { PreparedQuery } from './prepared.js';
import type { Database } from './schema.js';
import type { FlowErrorsTable, FlowMediaTable, FlowSubmissionsTable, FlowTokensTable } from './schema-flows.js';

export type FlowTokenRow = Selectable<FlowTokensTable>;
export type FlowSubmissionRow = Selectable<FlowSubmissionsTable>;
export type FlowErrorRow = Selectable<FlowErrorsTable>;
export type FlowMediaRow = Selectable<FlowMediaTable>;

/** The `error` of a file row whose flow completed without keeping the file (its record points at another). */
export const SUPERSEDED = 'superseded';
/** The `error` of a file row whose file was deleted because its flow was abandoned. */
export const PURGED = 'purged';

export interface NewFlowToken {
  token: string;
  flow: string;
  waId: string;
  phoneNumberId: string | null;
  data: Record<string, unknown> | null;
  /** The data the first screen opens with (a navigate Flow message's), by screen id. */
  screens?: Record<string, Record<string, unknown>> | null;
  now: number;
  expiresAt: number;
  /** The outbound message carrying the token, when it is stored with it (sendFlow does). */
  outboundId?: string | null;
}

export interface FlowContactRow {
  wa_id: string;
  phone: string;
  profile_name: string | null;
}

export class FlowsRepository {
  // The three queries of every flow request, compiled once (prepared.ts).
  private readonly tokenQuery;
  private readonly tokenWithContactQuery;
  private readonly answerQuery;

  constructor(private readonly db: Kysely<Database>) {
    this.tokenQuery = new PreparedQuery<[string], FlowTokenRow>(1, (token) =>
      db.selectFrom('flow_tokens').selectAll().where('token', '=', token),
    );
    this.tokenWithContactQuery = new PreparedQuery(1, (token) =>
      db
        .selectFrom('flow_tokens')
        .leftJoin('contacts', 'contacts.wa_id', 'flow_tokens.wa_id')
        .selectAll('flow_tokens')
        .select(['contacts.phone as contact_phone', 'contacts.profile_name as contact_profile_name'])
        .where('flow_tokens.token', '=', token),
    );
    this.answerQuery = new PreparedQuery<[string, string], unknown>(2, (token, screens) =>
      db
        .updateTable('flow_tokens')
        .set({ state: 'in_progress', screens })
        .where('token', '=', token)
        .where('state', 'in', ['issued', 'in_progress']),
    );
  }

  async issueToken(t: NewFlowToken, db: Kysely<Database> = this.db): Promise<void> {
    await db
      .insertInto('flow_tokens')
      .values({
        token: t.token,
        flow: t.flow,
        wa_id: t.waId,
        phone_number_id: t.phoneNumberId,
        state: 'issued',
        data: t.data === null ? null : JSON.stringify(t.data),
        screens: t.screens === undefined || t.screens === null ? null : JSON.stringify(t.screens),
        outbound_id: t.outboundId ?? null,
        created_at: t.now,
        expires_at: t.expiresAt,
        completed_at: null,
      })
      .execute();
  }

  /**
   * The endpoint answered SUCCESS: the flow is over for this token. `screens` keeps the answer under
   * "SUCCESS" (a reserved screen id), so a retry whose SUCCESS never reached the phone gets it again.
   * False when the token was no longer open (completed or expired meanwhile). `keepMediaIds`: the only
   * picker files the flow keeps (FlowCompleteOptions.keepOnlyMedia), written with the answer: the release
   * of the others (supersedeMedia) follows, and the media sweep finishes one cut short (unreleasedMedia).
   */
  async finish(
    token: string,
    now: number,
    screens: Record<string, unknown>,
    keepMediaIds?: readonly string[],
  ): Promise<boolean> {
    const kept =
      keepMediaIds === undefined ? {} : { media_kept: JSON.stringify([...keepMediaIds]), media_released_at: null };
    const result = await this.db
      .updateTable('flow_tokens')
      .set({ state: 'completed', completed_at: now, screens: JSON.stringify(screens), ...kept })
      .where('token', '=', token)
      .where('state', 'in', ['issued', 'in_progress'])
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async getToken(token: string, db: Kysely<Database> = this.db): Promise<FlowTokenRow | null> {
    return (await this.tokenQuery.execute(db, token)).rows[0] ?? null;
  }

  /** The token and, when Flowgate knows the contact it was issued to, that contact: one query. */
  async getTokenWithContact(token: string): Promise<{ row: FlowTokenRow; contact: FlowContactRow | null } | null> {
    const found = (await this.tokenWithContactQuery.execute(this.db, token)).rows[0];
    if (found === undefined) return null;
    const { contact_phone: phone, contact_profile_name: profileName, ...row } = found;
    return { row, contact: phone === null ? null : { wa_id: row.wa_id, phone, profile_name: profileName } };
  }

  async tokenByOutboundId(outboundId: string): Promise<FlowTokenRow | null> {
    return (
      (await this.db.selectFrom('flow_tokens').selectAll().where('outbound_id', '=', outboundId).executeTakeFirst()) ??
      null
    );
  }

  async markExpired(token: string): Promise<void> {
    await this.db
      .updateTable('flow_tokens')
      .set({ state: 'expired' })
      .where('token', '=', token)
      .where('state', 'in', ['issued', 'in_progress'])
      .execute();
  }

  /** Records what was answered for a screen (and that the flow is in progress). */
  async recordAnswer(token: string, screens: Record<string, unknown>): Promise<void> {
    await this.answerQuery.execute(this.db, token, JSON.stringify(screens));
  }

  /**
   * Stores a completion and completes its token in the caller's transaction. Returns the submission that
   * exists for the token afterwards (this one, or the one an earlier delivery stored).
   */
  async complete(
    db: Kysely<Database>,
    s: {
      flow: string;
      token: string;
      waId: string;
      response: Record<string, unknown>;
      eventId: number;
      wamid: string | null;
      now: number;
    },
  ): Promise<FlowSubmissionRow> {
    await db
      .insertInto('flow_submissions')
      .values({
        flow: s.flow,
        token: s.token,
        wa_id: s.waId,
        response_json: JSON.stringify(s.response),
        event_id: s.eventId,
        wamid: s.wamid,
        created_at: s.now,
      })
      .onConflict((oc) => oc.column('token').doNothing())
      .execute();
    await db
      .updateTable('flow_tokens')
      .set({ state: 'completed', completed_at: s.now })
      .where('token', '=', s.token)
      .where('state', '!=', 'completed')
      .execute();
    return db.selectFrom('flow_submissions').selectAll().where('token', '=', s.token).executeTakeFirstOrThrow();
  }

  async submissionByToken(token: string): Promise<FlowSubmissionRow | null> {
    return (
      (await this.db.selectFrom('flow_submissions').selectAll().where('token', '=', token).executeTakeFirst()) ?? null
    );
  }

  async listSubmissions(options: { flow?: string; limit?: number } = {}): Promise<FlowSubmissionRow[]> {
    let q = this.db.selectFrom('flow_submissions').selectAll();
    if (options.flow !== undefined) q = q.where('flow', '=', options.flow);
    return q
      .orderBy('id', 'desc')
      .limit(options.limit ?? 50)
      .execute();
  }

  /** How many error notifications are kept for a token. */
  async errorCount(token: string): Promise<number> {
    const row = await this.db
      .selectFrom('flow_errors')
      // A number on SQLite, a string (bigint) on PostgreSQL.
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('token', '=', token)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async recordError(e: Omit<FlowErrorRow, 'id'>): Promise<void> {
    await this.db.insertInto('flow_errors').values(e).execute();
  }

  async listErrors(options: { flow?: string; limit?: number } = {}): Promise<FlowErrorRow[]> {
    let q = this.db.selectFrom('flow_errors').selectAll();
    if (options.flow !== undefined) q = q.where('flow', '=', options.flow);
    return q
      .orderBy('id', 'desc')
      .limit(options.limit ?? 50)
      .execute();
  }

  /**
   * Stores the outcome for one picker file. A later outcome for the same token and media id replaces one that
   * stored nothing (a download given up at its answer's deadline, then sent again and stored); the row of a
   * stored file, and a purged or superseded one, stay as they are. Resolves to the row as it is then: with
   * another blob key than `m.blob_key` when it already had the file stored (under another key).
   */
  async recordMedia(m: Omit<FlowMediaRow, 'id'>): Promise<FlowMediaRow | null> {
    const { token: _token, media_id: _mediaId, ...outcome } = m;
    const written = await this.db
      .insertInto('flow_media')
      .values(m)
      .onConflict((oc) =>
        oc
          .columns(['token', 'media_id'])
          .doUpdateSet(outcome)
          .where('flow_media.blob_key', 'is', null)
          .where((eb) =>
            eb.or([eb('flow_media.error', 'is', null), eb('flow_media.error', 'not in', [PURGED, SUPERSEDED])]),
          ),
      )
      .returningAll()
      .executeTakeFirst();
    await this.letGoIfNotKept(m);
    if (written !== undefined) return written;
    const row = await this.db
      .selectFrom('flow_media')
      .selectAll()
      .where('token', '=', m.token)
      .where('media_id', '=', m.media_id)
      .executeTakeFirst();
    return row ?? null;
  }

  /** Whether any picker file row names the blob `blobKey`. */
  async blobReferenced(blobKey: string): Promise<boolean> {
    const row = await this.db.selectFrom('flow_media').select('id').where('blob_key', '=', blobKey).executeTakeFirst();
    return row !== undefined;
  }

  /**
   * A stored file recorded after its completed flow named the files it keeps (ctx.keepOnlyMedia), and not
   * among them, is marked superseded, for the sweep to delete (when no other row needs the bytes). Read after
   * the row is written: supersedeMedia writes the keep list before it marks rows, so whichever of the two
   * comes second sees the other's write.
   */
  private async letGoIfNotKept(m: Omit<FlowMediaRow, 'id'>): Promise<void> {
    if (m.blob_key === null) return;
    const row = await this.db
      .selectFrom('flow_tokens')
      .select('media_kept')
      .where('token', '=', m.token)
      .executeTakeFirst();
    const kept = row?.media_kept == null ? null : keptMediaIds(row.media_kept);
    if (kept !== null) await this.markSuperseded(m.token, kept);
  }

  /** Marks the token's stored files `superseded`, except those `keepMediaIds` names. */
  private async markSuperseded(token: string, keepMediaIds: readonly string[]): Promise<void> {
    let update = this.db
      .updateTable('flow_media')
      .set({ error: SUPERSEDED })
      .where('token', '=', token)
      .where('blob_key', 'is not', null)
      .where('error', 'is', null);
    // `not in ()` is no SQL PostgreSQL takes: keeping nothing is the same update without the condition.
    if (keepMediaIds.length > 0) update = update.where('media_id', 'not in', [...keepMediaIds]);
    await update.execute();
  }

  /**
   * Stored picker files nothing can use any more: ones that only flows never completed, whose tokens expired
   * before `expiredBefore`, received, and ones a completed flow received but did not keep (`superseded`, still
   * stored because another row needed the same bytes then, or because a release was interrupted). Files are
   * named by their content, so a key another row still needs (a completed flow that kept it, or a token still
   * open, that received the same bytes) is not among them. At most `limit` keys per call (in key order; the
   * next sweep takes the rest).
   */
  async abandonedBlobKeys(expiredBefore: number, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('flow_media as m')
      .innerJoin('flow_tokens as t', 't.token', 'm.token')
      .select('m.blob_key')
      .distinct()
      .where('m.blob_key', 'is not', null)
      .where((eb) =>
        eb.or([
          eb.and([eb('t.state', '!=', 'completed'), eb('t.expires_at', '<', expiredBefore)]),
          eb('m.error', '=', SUPERSEDED),
        ]),
      )
      .where((eb) =>
        eb.not(
          eb.exists(this.rowsNeedingFiles(expiredBefore).where('m2.blob_key', '=', sql.ref<string>('m.blob_key'))),
        ),
      )
      .limit(limit)
      .execute();
    return rows.flatMap((r) => (r.blob_key === null ? [] : [r.blob_key]));
  }

  /** Whether a row other than an abandoned one still needs the file (checked again just before deleting it). */
  async blobStillNeeded(blobKey: string, expiredBefore: number): Promise<boolean> {
    const row = await this.rowsNeedingFiles(expiredBefore).where('m2.blob_key', '=', blobKey).executeTakeFirst();
    return row !== undefined;
  }

  /**
   * File rows that keep their file: the flow was completed (and kept the file), or its token is not yet expired
   * past the grace (`expiredBefore`). The one definition both the sweep's query and its re-check before
   * deleting use.
   */
  private rowsNeedingFiles(expiredBefore: number) {
    return this.db
      .selectFrom('flow_media as m2')
      .innerJoin('flow_tokens as t2', 't2.token', 'm2.token')
      .select('m2.id')
      .where((eb) => eb.or([eb('t2.state', '=', 'completed'), eb('t2.expires_at', '>=', expiredBefore)]))
      .where((eb) => eb.or([eb('m2.error', 'is', null), eb('m2.error', '!=', SUPERSEDED)]));
  }

  /**
   * A completed flow keeps only the files `keepMediaIds` names (its record points at those): the token's other
   * stored files (a KYC front replaced by going back) are marked `superseded`. Returns the keys of the token's
   * superseded files still stored (these, and any an interrupted earlier release left; at most `limit`), for the
   * caller to delete where no other row needs them.
   */
  async supersedeMedia(token: string, keepMediaIds: readonly string[], limit: number, now: number): Promise<string[]> {
    // Remembered for files recorded later (recordMedia): they are let go too unless kept.
    await this.db
      .updateTable('flow_tokens')
      .set({ media_kept: JSON.stringify([...keepMediaIds]) })
      .where('token', '=', token)
      .execute();
    await this.markSuperseded(token, keepMediaIds);
    // The rows are marked: what is left (deleting their files) the sweep finds by them.
    await this.db.updateTable('flow_tokens').set({ media_released_at: now }).where('token', '=', token).execute();
    const rows = await this.db
      .selectFrom('flow_media')
      .select('blob_key')
      .distinct()
      .where('token', '=', token)
      .where('error', '=', SUPERSEDED)
      .where('blob_key', 'is not', null)
      .limit(limit)
      .execute();
    return rows.flatMap((r) => (r.blob_key === null ? [] : [r.blob_key]));
  }

  /**
   * Completed flows whose files not kept were named (media_kept) but not yet marked superseded: a release
   * after the SUCCESS answer that a crash or a failed query cut short. At most `limit`.
   */
  async unreleasedMedia(limit: number): Promise<{ token: string; keepMediaIds: string[] }[]> {
    const rows = await this.db
      .selectFrom('flow_tokens')
      .select(['token', 'media_kept'])
      .where('media_kept', 'is not', null)
      .where('media_released_at', 'is', null)
      .where('state', '=', 'completed')
      .limit(limit)
      .execute();
    return rows.flatMap((r) => {
      const kept = r.media_kept === null ? null : keptMediaIds(r.media_kept);
      return kept === null ? [] : [{ token: r.token, keepMediaIds: kept }];
    });
  }

  /**
   * The file is deleted: its rows stay (what was received, when), without the blob; a superseded row keeps
   * saying so, the others are marked `purged`.
   */
  async markBlobPurged(blobKey: string): Promise<void> {
    await this.db
      .updateTable('flow_media')
      .set((eb) => ({ blob_key: null, error: eb.fn.coalesce('error', eb.val(PURGED)) }))
      .where('blob_key', '=', blobKey)
      .execute();
  }

  async listMedia(token: string): Promise<FlowMediaRow[]> {
    return this.db.selectFrom('flow_media').selectAll().where('token', '=', token).orderBy('id').execute();
  }

  async contact(waId: string): Promise<FlowContactRow | null> {
    return (
      (await this.db
        .selectFrom('contacts')
        .select(['wa_id', 'phone', 'profile_name'])
        .where('wa_id', '=', waId)
        .executeTakeFirst()) ?? null
    );
  }
}

/**
 * The media ids a `flow_tokens.media_kept` value names, or null when it is no list (nothing written by
 * Flowgate): then nothing is let go.
 */
function keptMediaIds(json: string): string[] | null {
  const kept = JSON.parse(json) as unknown;
  return Array.isArray(kept) ? kept.filter((id): id is string => typeof id === 'string') : null;
}
