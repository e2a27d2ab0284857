// The `media` table (migration 0006_media, src/store/migrations-media.ts): one row per Graph media id,
// claimed by the first media job that sees it and settled as stored or failed. It uses its own table
// types over the store's database, like the queue does, so the shared schema stays untouched.
import type { ColumnType, Kysely, Selectable } from 'kysely';

export type MediaSource = 'message' | 'flow';
export type MediaStatus = 'pending' | 'stored' | 'failed';

/** A bigint column: PostgreSQL hands it back as a string. */
type Big<Write = number> = ColumnType<number | string, Write, Write>;
type BigNullable = ColumnType<number | string | null, number | null, number | null>;

export interface MediaTable {
  id: ColumnType<number | string, never, never>;
  media_id: string;
  source: MediaSource;
  event_id: BigNullable;
  wa_id: string | null;
  mime_type: string | null;
  size: BigNullable;
  sha256: string | null;
  blob_key: string | null;
  status: MediaStatus;
  error: string | null;
  created_at: Big;
  stored_at: BigNullable;
}

export interface MediaTables {
  media: MediaTable;
}

/** A media row as the read API returns it (camelCase, numbers as numbers). */
export interface MediaRecord {
  id: number;
  mediaId: string;
  source: MediaSource;
  eventId: number | null;
  waId: string | null;
  mimeType: string | null;
  size: number | null;
  /** Lower-case hex SHA-256 of the stored bytes (verified against Meta's). */
  sha256: string | null;
  blobKey: string | null;
  status: MediaStatus;
  error: string | null;
  createdAt: number;
  storedAt: number | null;
}

export interface NewMedia {
  mediaId: string;
  source: MediaSource;
  eventId: number | null;
  waId: string | null;
  mimeType: string | null;
  now: number;
}

export interface StoredMediaUpdate {
  mimeType: string;
  size: number;
  sha256: string;
  blobKey: string;
  now: number;
}

export class MediaRepository {
  constructor(private readonly db: Kysely<MediaTables>) {}

  /** The row of a media id, inserting it as pending when it is new. */
  async claim(item: NewMedia): Promise<MediaRecord> {
    await this.db
      .insertInto('media')
      .values({
        media_id: item.mediaId,
        source: item.source,
        event_id: item.eventId,
        wa_id: item.waId,
        mime_type: item.mimeType,
        size: null,
        sha256: null,
        blob_key: null,
        status: 'pending',
        error: null,
        created_at: item.now,
        stored_at: null,
      })
      .onConflict((oc) => oc.column('media_id').doNothing())
      .execute();
    const row = await this.byMediaId(item.mediaId);
    if (row === null) throw new Error('media row vanished right after it was claimed');
    return row;
  }

  async get(id: number): Promise<MediaRecord | null> {
    const row = await this.db.selectFrom('media').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? null : toRecord(row);
  }

  async byMediaId(mediaId: string): Promise<MediaRecord | null> {
    const row = await this.db.selectFrom('media').selectAll().where('media_id', '=', mediaId).executeTakeFirst();
    return row === undefined ? null : toRecord(row);
  }

  async list(options: { status?: MediaStatus; limit?: number } = {}): Promise<MediaRecord[]> {
    let query = this.db.selectFrom('media').selectAll();
    if (options.status !== undefined) query = query.where('status', '=', options.status);
    const rows = await query
      .orderBy('id', 'desc')
      .limit(options.limit ?? 100)
      .execute();
    return rows.map(toRecord);
  }

  async markStored(id: number, update: StoredMediaUpdate): Promise<void> {
    await this.db
      .updateTable('media')
      .set({
        status: 'stored',
        mime_type: update.mimeType,
        size: update.size,
        sha256: update.sha256,
        blob_key: update.blobKey,
        error: null,
        stored_at: update.now,
      })
      .where('id', '=', id)
      .execute();
  }

  /** Records why the last attempt failed; `final` settles the row as failed. */
  async markError(id: number, error: string, final: boolean): Promise<void> {
    await this.db
      .updateTable('media')
      .set(final ? { status: 'failed', error } : { error })
      .where('id', '=', id)
      .where('status', '!=', 'stored')
      .execute();
  }
}

function toRecord(row: Selectable<MediaTable>): MediaRecord {
  return {
    id: Number(row.id),
    mediaId: row.media_id,
    source: row.source,
    eventId: row.event_id === null ? null : Number(row.event_id),
    waId: row.wa_id,
    mimeType: row.mime_type,
    size: row.size === null ? null : Number(row.size),
    sha256: row.sha256,
    blobKey: row.blob_key,
    status: row.status,
    error: row.error,
    createdAt: Number(row.created_at),
    storedAt: row.stored_at === null ? null : Number(row.stored_at),
  };
}
