// Schema migrations, written with Kysely's schema builder so the same steps run on SQLite and PostgreSQL.
import { sql, type ColumnDefinitionBuilder, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { keysMigration } from './migrations-keys.js';
import { appsMigration } from './migrations-apps.js';
import { flowsMigration } from './migrations-flows.js';
import { mediaMigration } from './migrations-media.js';
import { inboxFileMigration } from './migrations-inbox.js';

type AddColumn<T> = (
  name: string,
  type: 'bigserial' | 'integer',
  build: (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder,
) => T;

// Migrations take an untyped Kysely on purpose: they describe the schema, they do not query it.
type AnyDb = Kysely<unknown>;
export type SqlDialectName = 'sqlite' | 'postgres';

function buildMigrations(dialect: SqlDialectName, inboxFile: string | null): Record<string, Migration> {
  // The only dialect differences in the schema: auto-incrementing keys and the byte-string type.
  const id = <T extends { addColumn: AddColumn<T> }>(t: T): T =>
    dialect === 'postgres'
      ? t.addColumn('id', 'bigserial', (c) => c.primaryKey())
      : t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
  const bytes = dialect === 'postgres' ? 'bytea' : 'blob';
  return {
    '0001_foundation': {
      async up(db: AnyDb) {
        await id(db.schema.createTable('inbox'))
          .addColumn('received_at', 'bigint', (c) => c.notNull())
          .addColumn('body', bytes, (c) => c.notNull())
          .addColumn('headers', 'text', (c) => c.notNull())
          .addColumn('processed_at', 'bigint')
          .addColumn('event_count', 'integer')
          .execute();
        await db.schema
          .createIndex('inbox_pending')
          .on('inbox')
          .column('id')
          .where(sql.ref('processed_at'), 'is', null)
          .execute();
        await db.schema.createIndex('inbox_received').on('inbox').column('received_at').execute();

        await id(db.schema.createTable('events'))
          .addColumn('dedup_key', 'text', (c) => c.notNull().unique())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('category', 'text', (c) => c.notNull())
          .addColumn('inbox_id', 'integer')
          .addColumn('wa_id', 'text')
          .addColumn('phone_number_id', 'text')
          .addColumn('occurred_at', 'bigint')
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('payload', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('events_kind').on('events').columns(['kind', 'id']).execute();
        await db.schema.createIndex('events_wa_id').on('events').columns(['wa_id', 'id']).execute();

        await db.schema
          .createTable('contacts')
          .addColumn('wa_id', 'text', (c) => c.primaryKey())
          .addColumn('phone', 'text', (c) => c.notNull())
          .addColumn('profile_name', 'text')
          .addColumn('first_seen_at', 'bigint', (c) => c.notNull())
          .addColumn('last_inbound_at', 'bigint')
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute();

        await id(db.schema.createTable('messages'))
          .addColumn('wamid', 'text', (c) => c.unique())
          .addColumn('direction', 'text', (c) => c.notNull())
          .addColumn('wa_id', 'text', (c) => c.notNull())
          .addColumn('phone_number_id', 'text')
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('text', 'text')
          .addColumn('payload', 'text', (c) => c.notNull())
          .addColumn('timestamp', 'bigint')
          .addColumn('status', 'text')
          .addColumn('status_at', 'bigint')
          .addColumn('error', 'text')
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('messages_contact').on('messages').columns(['wa_id', 'id']).execute();

        await id(db.schema.createTable('statuses'))
          .addColumn('event_id', 'integer', (c) => c.notNull())
          .addColumn('wamid', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('recipient_wa_id', 'text')
          .addColumn('timestamp', 'bigint')
          .addColumn('errors', 'text')
          .addColumn('payload', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('statuses_wamid').on('statuses').columns(['wamid', 'id']).execute();

        await db.schema
          .createTable('handler_runs')
          .addColumn('event_id', 'integer', (c) => c.notNull())
          .addColumn('handler', 'text', (c) => c.notNull())
          .addColumn('completed_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('handler_runs_pk', ['event_id', 'handler'])
          .execute();

        await db.schema
          .createTable('effects')
          .addColumn('key', 'text', (c) => c.primaryKey())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute();
      },
    },
    '0002_outbound': {
      async up(db: AnyDb) {
        await db.schema.alterTable('messages').addColumn('outbound_id', 'text').execute();
        await db.schema.alterTable('messages').addColumn('idempotency_key', 'text').execute();
        await db.schema.alterTable('messages').addColumn('state', 'text').execute();
        await db.schema.createIndex('messages_outbound_id').on('messages').column('outbound_id').unique().execute();
        await db.schema.createIndex('messages_idempotency').on('messages').column('idempotency_key').unique().execute();
      },
    },
    '0003_keys': keysMigration(dialect),
    '0005_apps': appsMigration(dialect),
    '0004_flows': flowsMigration(dialect),
    '0006_media': mediaMigration(dialect),
    '0007_inbox_file': inboxFileMigration(dialect, inboxFile),
    // When a pending key's upload to Graph began: from then until it is promoted (or the upload is undone)
    // WhatsApp may already encrypt to it, so the Flow endpoint tries it too.
    '0008_key_upload_started': {
      async up(db: AnyDb) {
        await db.schema.alterTable('business_keys').addColumn('upload_started_at', 'bigint').execute();
      },
    },
    // The sweep of abandoned flows' picker files: stored files by key (files are named by their content, so
    // one file may back rows of several tokens), and tokens by expiry.
    '0009_flow_media_sweep': {
      async up(db: AnyDb) {
        await db.schema
          .createIndex('flow_media_blob_key')
          .on('flow_media')
          .column('blob_key')
          .where(sql.ref('blob_key'), 'is not', null)
          .execute();
        await db.schema.createIndex('flow_tokens_expires_at').on('flow_tokens').column('expires_at').execute();
      },
    },
    // Error notifications are counted per token before one is kept (at most 20 a token).
    '0010_flow_errors_token': {
      async up(db: AnyDb) {
        await db.schema.createIndex('flow_errors_token').on('flow_errors').column('token').execute();
      },
    },
    // The sweep of what abandoned flows left in the ready flows' tables: drafts and held slots by token. Partial
    // indexes hold only those rows, which the sweep keeps few, so it never scans the records kept for good.
    '0011_app_drafts_sweep': {
      async up(db: AnyDb) {
        await db.schema
          .createIndex('app_records_drafts')
          .on('app_records')
          .column('flow_token')
          .where(sql.ref('status'), '=', 'draft')
          .execute();
        await db.schema
          .createIndex('app_bookings_held')
          .on('app_bookings')
          .column('flow_token')
          .where(sql.ref('status'), '=', 'held')
          .execute();
      },
    },
    // What a completed flow keeps of its picker files, so that one recorded after ctx.keepOnlyMedia ran
    // (a download still finishing) is let go as well.
    '0012_flow_media_kept': {
      async up(db: AnyDb) {
        await db.schema.alterTable('flow_tokens').addColumn('media_kept', 'text').execute();
      },
    },
    // When a completed flow's release of the files it did not keep was done: one named at SUCCESS and
    // interrupted (a crash, a failed query) is finished by the media sweep.
    '0013_flow_media_released': {
      async up(db: AnyDb) {
        await db.schema.alterTable('flow_tokens').addColumn('media_released_at', 'bigint').execute();
        // Until now media_kept was written by the release itself: each one there is done.
        await sql`update flow_tokens set media_released_at = coalesce(completed_at, 0) where media_kept is not null`.execute(
          db,
        );
        await db.schema
          .createIndex('flow_tokens_media_unreleased')
          .on('flow_tokens')
          .column('token')
          .where(sql.ref('media_kept'), 'is not', null)
          .where(sql.ref('media_released_at'), 'is', null)
          .execute();
      },
    },
  };
}

/** `inboxFile`: the SQLite inbox database the inbox moves to in 0007 (null: it stays in this database). */
export function migrationProvider(dialect: SqlDialectName, inboxFile: string | null = null): MigrationProvider {
  return { getMigrations: () => Promise.resolve(buildMigrations(dialect, inboxFile)) };
}
