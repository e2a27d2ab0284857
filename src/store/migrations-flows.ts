// Migration '0004_flows': the flow runtime's tables (schema-flows.ts). Portable Kysely schema builder only.
import type { ColumnDefinitionBuilder, Kysely, Migration } from 'kysely';
import type { SqlDialectName } from './migrations.js';

type AnyDb = Kysely<unknown>;

export function flowsMigration(dialect: SqlDialectName): Migration {
  const idType = dialect === 'postgres' ? 'bigserial' : 'integer';
  const id = (c: ColumnDefinitionBuilder) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement());
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('flow_tokens')
        .addColumn('token', 'text', (c) => c.primaryKey())
        .addColumn('flow', 'text', (c) => c.notNull())
        .addColumn('wa_id', 'text', (c) => c.notNull())
        .addColumn('phone_number_id', 'text')
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('data', 'text')
        .addColumn('screens', 'text')
        .addColumn('outbound_id', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('completed_at', 'bigint')
        .execute();
      await db.schema.createIndex('flow_tokens_contact').on('flow_tokens').columns(['wa_id', 'created_at']).execute();

      await db.schema
        .createTable('flow_submissions')
        .addColumn('id', idType, id)
        .addColumn('flow', 'text', (c) => c.notNull())
        .addColumn('token', 'text', (c) => c.notNull().unique())
        .addColumn('wa_id', 'text', (c) => c.notNull())
        .addColumn('response_json', 'text', (c) => c.notNull())
        .addColumn('event_id', 'integer', (c) => c.notNull())
        .addColumn('wamid', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('flow_submissions_flow').on('flow_submissions').columns(['flow', 'id']).execute();

      await db.schema
        .createTable('flow_errors')
        .addColumn('id', idType, id)
        .addColumn('flow', 'text', (c) => c.notNull())
        .addColumn('token', 'text')
        .addColumn('screen', 'text')
        .addColumn('error', 'text')
        .addColumn('error_message', 'text')
        .addColumn('at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('flow_errors_flow').on('flow_errors').columns(['flow', 'id']).execute();

      await db.schema
        .createTable('flow_media')
        .addColumn('id', idType, id)
        .addColumn('flow', 'text', (c) => c.notNull())
        .addColumn('token', 'text', (c) => c.notNull())
        .addColumn('screen', 'text')
        .addColumn('media_id', 'text', (c) => c.notNull())
        .addColumn('file_name', 'text')
        .addColumn('blob_key', 'text')
        .addColumn('mime_type', 'text')
        .addColumn('size', 'bigint')
        .addColumn('sha256', 'text')
        .addColumn('error', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('flow_media_token_media', ['token', 'media_id'])
        .execute();
    },
  };
}
