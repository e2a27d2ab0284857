// Migration 0003_keys: business encryption keys, their audit log and leases. Written with Kysely's
// schema builder only, so it runs on SQLite and PostgreSQL alike.
import { sql, type Kysely, type Migration } from 'kysely';
import type { SqlDialectName } from './migrations.js';

type AnyDb = Kysely<unknown>;

export function keysMigration(dialect: SqlDialectName): Migration {
  const bytes = dialect === 'postgres' ? 'bytea' : 'blob';
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('business_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('phone_number_id', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('fingerprint', 'text', (c) => c.notNull())
        .addColumn('public_key_pem', 'text', (c) => c.notNull())
        .addColumn('sealed_private_key', bytes, (c) => c.notNull())
        .addColumn('modulus_bits', 'integer', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('uploaded_at', 'bigint')
        .addColumn('verified_at', 'bigint')
        .addColumn('activated_at', 'bigint')
        .addColumn('retiring_at', 'bigint')
        .addColumn('grace_until', 'bigint')
        .addColumn('retired_at', 'bigint')
        .execute();
      await db.schema
        .createIndex('business_keys_number_state')
        .on('business_keys')
        .columns(['phone_number_id', 'state'])
        .execute();
      // At most one active key per number, enforced by the database, not only by the code.
      await db.schema
        .createIndex('business_keys_one_active')
        .on('business_keys')
        .column('phone_number_id')
        .unique()
        .where(sql.ref('state'), '=', sql.lit('active'))
        .execute();

      const audit = db.schema.createTable('key_audit');
      await (
        dialect === 'postgres'
          ? audit.addColumn('id', 'bigserial', (c) => c.primaryKey())
          : audit.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      )
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('key_id', 'text')
        .addColumn('fingerprint', 'text')
        .addColumn('phone_number_id', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('error', 'text')
        .execute();
      await db.schema.createIndex('key_audit_number').on('key_audit').columns(['phone_number_id', 'id']).execute();

      await db.schema
        .createTable('key_leases')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('holder', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  };
}
