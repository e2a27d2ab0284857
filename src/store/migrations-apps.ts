// Migration 0005_apps: the tables of the ready flows in src/apps/ — one generic per-flow-token record
// table (drafts while a flow is open, the submitted record after) and the bookings table whose unique
// (resource, slot_start) index is what makes a double booking impossible. Kysely's schema builder only,
// so it runs on SQLite and PostgreSQL alike.
import type { Kysely, Migration } from 'kysely';
import type { SqlDialectName } from './migrations.js';

type AnyDb = Kysely<unknown>;

export function appsMigration(dialect: SqlDialectName): Migration {
  const id = dialect === 'postgres' ? 'bigserial' : 'integer';
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('app_records')
        .addColumn('id', id, (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
        .addColumn('app', 'text', (c) => c.notNull())
        .addColumn('flow_token', 'text', (c) => c.notNull())
        .addColumn('wa_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('submitted_at', 'bigint')
        .addColumn('completed_at', 'bigint')
        .execute();
      await db.schema
        .createIndex('app_records_token')
        .on('app_records')
        .columns(['app', 'flow_token'])
        .unique()
        .execute();
      await db.schema.createIndex('app_records_contact').on('app_records').columns(['app', 'wa_id', 'id']).execute();

      await db.schema
        .createTable('app_bookings')
        .addColumn('id', id, (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
        .addColumn('resource', 'text', (c) => c.notNull())
        .addColumn('slot_start', 'text', (c) => c.notNull())
        .addColumn('slot_end', 'text', (c) => c.notNull())
        .addColumn('flow_token', 'text', (c) => c.notNull())
        .addColumn('wa_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('hold_expires_at', 'bigint')
        .addColumn('name', 'text')
        .addColumn('email', 'text')
        .addColumn('notes', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('confirmed_at', 'bigint')
        .addColumn('completed_at', 'bigint')
        .execute();
      // One booking (held or confirmed) per slot of a resource: the database decides every race.
      await db.schema
        .createIndex('app_bookings_slot')
        .on('app_bookings')
        .columns(['resource', 'slot_start'])
        .unique()
        .execute();
      await db.schema.createIndex('app_bookings_token').on('app_bookings').column('flow_token').execute();
    },
  };
}
