// Migration '0006_media': the `media` table of the media pipeline (src/media/). One row per Graph media id
// (unique), written by the media job: pending → stored | failed. Portable Kysely schema builder only.
import type { ColumnDefinitionBuilder, Kysely, Migration } from 'kysely';
import type { SqlDialectName } from './migrations.js';

type AnyDb = Kysely<unknown>;

export function mediaMigration(dialect: SqlDialectName): Migration {
  const idType = dialect === 'postgres' ? 'bigserial' : 'integer';
  const id = (c: ColumnDefinitionBuilder) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement());
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('media')
        .addColumn('id', idType, id)
        .addColumn('media_id', 'text', (c) => c.notNull().unique())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('event_id', 'bigint')
        .addColumn('wa_id', 'text')
        .addColumn('mime_type', 'text')
        .addColumn('size', 'bigint')
        .addColumn('sha256', 'text')
        .addColumn('blob_key', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('error', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('stored_at', 'bigint')
        .execute();
      await db.schema.createIndex('media_status').on('media').columns(['status', 'id']).execute();
      await db.schema.createIndex('media_event').on('media').column('event_id').execute();
    },
  };
}
