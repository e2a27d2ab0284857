// The inbox's own schema, and migration '0007_inbox_file' of the main database, which moves the inbox out.
//
// Under SQLite the inbox is a database file of its own (see database.ts). SQLite has one writer per file:
// with the inbox in the main file, every webhook commit waited for whatever dispatch transaction held the
// lock, and its fsync also flushed the dispatch's pages. Its own file makes the inbox an append-only log
// that only the ingest thread writes; what has been dispatched is recorded in the main database
// (`inbox_state`), inside the dispatch transaction, as before.
//
// 0007 also trims the bytes written per webhook on the dispatch path, where every page a transaction
// touches is written again to the WAL (and later to the database file):
// - `events_wa_id` goes: no query reads events by contact (conversations read `messages`), and an index
//   keyed by customer is written at a random place for every event.
// - Inbound messages and statuses point at their event (`messages.event_id`, `statuses.event_id`) rather
//   than keeping a second copy of Meta's raw item: it is in the event's payload. Older rows keep theirs.
import { sql, type Kysely, type Migration } from 'kysely';
import type { SqlDialectName } from './migrations.js';

type AnyDb = Kysely<unknown>;

/** Migrations of the inbox database (its own file under SQLite). */
export function inboxFileMigrations(dialect: SqlDialectName): Record<string, Migration> {
  return {
    '0001_inbox': {
      async up(db: AnyDb) {
        await db.schema
          .createTable('inbox')
          .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
            dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
          )
          .addColumn('received_at', 'bigint', (c) => c.notNull())
          .addColumn('body', dialect === 'postgres' ? 'bytea' : 'blob', (c) => c.notNull())
          .addColumn('headers', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('inbox_received').on('inbox').column('received_at').execute();
      },
    },
  };
}

/**
 * `inboxFile`: where the SQLite inbox lives (its migrations have run). Each step can run again: SQLite
 * cannot ATTACH inside a transaction, so this migration runs without one, and a crash part-way repeats it.
 */
export function inboxFileMigration(dialect: SqlDialectName, inboxFile: string | null): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('inbox_state')
        .ifNotExists()
        .addColumn('inbox_id', 'bigint', (c) => c.primaryKey())
        .addColumn('processed_at', 'bigint', (c) => c.notNull())
        .addColumn('event_count', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.dropIndex('events_wa_id').ifExists().execute();
      if (!(await hasColumn(db, dialect, 'messages', 'event_id'))) {
        await db.schema.alterTable('messages').addColumn('event_id', 'bigint').execute();
      }
      if (!(await hasColumn(db, dialect, 'inbox', 'processed_at'))) return; // moved already
      // Dispatched rows must stay a prefix of the inbox: rows dispatched after the first pending one (an
      // earlier `inbox reprocess`) are left pending, and their replay is a no-op thanks to the dedup keys.
      await sql`insert into inbox_state (inbox_id, processed_at, event_count)
        select id, processed_at, coalesce(event_count, 0) from inbox
        where processed_at is not null
          and id < coalesce((select min(id) from inbox where processed_at is null), (select max(id) + 1 from inbox))
        on conflict (inbox_id) do nothing`.execute(db);
      if (dialect === 'sqlite' && inboxFile !== null) {
        await sql`attach database ${inboxFile} as inbox_file`.execute(db);
        try {
          await sql`insert into inbox_file.inbox (id, received_at, body, headers)
            select id, received_at, body, headers from main.inbox where true
            on conflict (id) do nothing`.execute(db);
        } finally {
          await sql`detach database inbox_file`.execute(db);
        }
        await db.schema.dropTable('inbox').execute();
      } else {
        // One database holds both: the inbox table stays, without the columns inbox_state replaces.
        await db.schema.dropIndex('inbox_pending').ifExists().execute();
        await db.schema.alterTable('inbox').dropColumn('processed_at').execute();
        await db.schema.alterTable('inbox').dropColumn('event_count').execute();
      }
    },
  };
}

async function hasColumn(db: AnyDb, dialect: SqlDialectName, table: string, column: string): Promise<boolean> {
  const found =
    dialect === 'sqlite'
      ? await sql<{ n: number }>`select count(*) as n from pragma_table_info(${table}) where name = ${column}`.execute(
          db,
        )
      : await sql<{ n: number }>`select count(*)::int as n from information_schema.columns
          where table_name = ${table} and column_name = ${column}`.execute(db);
  return (found.rows[0]?.n ?? 0) > 0;
}
