// Opens the Flowgate database and applies migrations. The dialect layer: SQLite (better-sqlite3, WAL)
// by default; SQL specific to one engine stays in this file.
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  Migrator,
  SqliteDialect,
  SqliteDriver,
  sql,
  type DatabaseConnection,
  type MigrationProvider,
  type Driver,
  type SqliteDatabase,
  type SqliteDialectConfig,
} from 'kysely';
import type { FlowgateConfig } from '../config/index.js';
import { startCheckpointer } from './checkpointer.js';
import { inboxFileMigrations } from './migrations-inbox.js';
import { migrationProvider, type SqlDialectName } from './migrations.js';
import type { Database, InboxDatabase } from './schema.js';

export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface OpenedDatabase {
  db: Kysely<Database>;
  /**
   * The inbox. Under SQLite a database file of its own beside the main one (`<name>-inbox.db`), written only
   * by whoever commits webhooks (the ingest thread), so those commits never wait on dispatch writes and their
   * fsync covers nothing else. Its commits reach the disk before the caller answers anyone
   * (`sqliteSynchronous`); the main database's only need to survive a process crash: they can be rebuilt
   * from the inbox after a power cut.
   */
  inbox: Kysely<InboxDatabase>;
  dialect: SqlDialectName;
  /** Where the SQLite file lives (null for other engines). */
  path: string | null;
  close(): Promise<void>;
}

export type DatabaseSettings = Pick<FlowgateConfig, 'databaseUrl' | 'dataDir' | 'sqliteSynchronous'> & {
  /**
   * `own` (default): this connection's checkpoint thread moves the WAL into the database, and this
   * connection finishes a checkpoint the thread cannot catch up with. `elsewhere`: another connection that
   * does most of the writing (the dispatch thread's) takes care of it; this one never checkpoints, so the
   * thread it runs on (the HTTP thread) never stalls on one.
   */
  checkpoints?: 'own' | 'elsewhere';
  /** The same for the inbox file (default: as `checkpoints`); its writer is the ingest thread. */
  inboxCheckpoints?: 'own' | 'elsewhere';
};

/** Resolves where the SQLite database lives for a config. */
export function sqlitePath(settings: DatabaseSettings): string {
  const url = settings.databaseUrl;
  if (url === null) return resolve(settings.dataDir, 'flowgate.db');
  if (url.startsWith('sqlite:') || url.startsWith('file:')) {
    const path = url.replace(/^(sqlite|file):(\/\/)?/, '');
    return path === ':memory:' ? path : resolve(path);
  }
  throw new StoreError('flowgate.store.unsupported_url', 'DATABASE_URL must name a SQLite file (sqlite:PATH)');
}

/** The inbox file beside the main one: `flowgate.db` → `flowgate-inbox.db`. */
export function sqliteInboxPath(mainPath: string): string {
  if (mainPath === ':memory:') return mainPath;
  return /\.db$/.test(mainPath) ? mainPath.replace(/\.db$/, '-inbox.db') : `${mainPath}-inbox`;
}

export async function openDatabase(settings: DatabaseSettings): Promise<OpenedDatabase> {
  const path = prepareSqlitePath(settings);
  const inboxPath = sqliteInboxPath(path);
  const inbox = await openInboxAt(inboxPath, settings);
  let opened: SqliteConnection<Database> | undefined;
  try {
    opened = openSqlite<Database>(path, 'normal', settings.checkpoints ?? 'own');
    await migrate(opened.db, migrationProvider('sqlite', inboxPath === ':memory:' ? null : inboxPath));
    await refuseLostInbox(opened.db, inbox.db, inboxPath);
  } catch (error) {
    // Both files are closed again: a refused start leaves no handle (nor its checkpoint thread) behind, and
    // the reason it was refused is what the caller gets, whatever closing says.
    await opened?.close().catch(() => undefined);
    await inbox.close().catch(() => undefined);
    throw error;
  }
  const main = opened;
  return {
    db: main.db,
    inbox: inbox.db,
    dialect: 'sqlite',
    path,
    close: async () => {
      await main.close();
      await inbox.close();
    },
  };
}

export interface OpenedInbox {
  db: Kysely<InboxDatabase>;
  close(): Promise<void>;
}

/** Only the inbox (the ingest thread, which commits webhooks and nothing else). */
export function openInboxDatabase(settings: DatabaseSettings): Promise<OpenedInbox> {
  return openInboxAt(sqliteInboxPath(prepareSqlitePath(settings)), settings);
}

async function openInboxAt(inboxPath: string, settings: DatabaseSettings): Promise<OpenedInbox> {
  const inbox = openSqlite<InboxDatabase>(
    inboxPath,
    settings.sqliteSynchronous,
    settings.inboxCheckpoints ?? settings.checkpoints ?? 'own',
  );
  try {
    await migrate(inbox.db, { getMigrations: () => Promise.resolve(inboxFileMigrations('sqlite')) });
  } catch (error) {
    await inbox.close();
    throw error;
  }
  return inbox;
}

/** The main SQLite file's path, its directory created; PostgreSQL is refused. */
function prepareSqlitePath(settings: DatabaseSettings): string {
  if (settings.databaseUrl !== null && /^postgres(ql)?:/.test(settings.databaseUrl)) {
    throw new StoreError(
      'flowgate.store.postgres_unavailable',
      'PostgreSQL support is not part of this build yet; unset DATABASE_URL to use the embedded SQLite store',
    );
  }
  const path = sqlitePath(settings);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  return path;
}

/**
 * The main database records which inbox rows were dispatched. An inbox file behind it (lost, or restored
 * from an older backup) would hand out ids already recorded as dispatched, and those webhooks would never
 * be dispatched: refuse to start instead.
 */
async function refuseLostInbox(db: Kysely<Database>, inbox: Kysely<InboxDatabase>, inboxPath: string): Promise<void> {
  const dispatched = await db
    .selectFrom('inbox_state')
    .select((eb) => eb.fn.max<number | null>('inbox_id').as('id'))
    .executeTakeFirst();
  if (dispatched?.id === null || dispatched?.id === undefined) return;
  // AUTOINCREMENT never reuses an id, even a deleted one: the sequence is what the next id follows.
  const next = await sql<{ seq: number }>`select seq from sqlite_sequence where name = 'inbox'`.execute(inbox);
  if ((next.rows[0]?.seq ?? 0) >= dispatched.id) return;
  throw new StoreError(
    'flowgate.store.inbox_missing',
    `the inbox database ${inboxPath} is missing or older than the main database (which has dispatched inbox ` +
      `rows up to ${dispatched.id}); restore both files from the same backup`,
  );
}

interface SqliteConnection<DB> {
  db: Kysely<DB>;
  close(): Promise<void>;
}

function openSqlite<DB>(
  path: string,
  synchronous: 'full' | 'normal',
  checkpoints: 'own' | 'elsewhere',
): SqliteConnection<DB> {
  const sqlite = new SQLite(path);
  sqlite.pragma('journal_mode = WAL');
  // NORMAL in WAL mode survives a process crash but may lose the newest commits on power loss; FULL fsyncs
  // the WAL at each commit. The inbox is FULL by default, the main database NORMAL (see OpenedDatabase).
  sqlite.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  if (checkpoints === 'elsewhere') sqlite.pragma('wal_autocheckpoint = 0');
  const checkpointer = path === ':memory:' || checkpoints === 'elsewhere' ? null : startCheckpointer(sqlite, path);
  const db = new Kysely<DB>({
    dialect: new ImmediateSqliteDialect({ database: withStatementCache(sqlite) }),
  });
  return {
    db,
    close: async () => {
      // The thread's last checkpoint runs while this connection is open, so the close below finds the WAL
      // applied; the last connection to close removes it.
      await checkpointer?.stop();
      await db.destroy();
    },
  };
}

/**
 * Two connections write this database (the ingest thread's and the main thread's). A deferred transaction
 * that reads and then writes fails at once with SQLITE_BUSY when the other connection committed in between
 * (its snapshot is stale; busy_timeout cannot help). Taking the write lock at BEGIN makes it wait instead.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly settings: SqliteDialectConfig) {
    super(settings);
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.settings);
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/**
 * Kysely's SQLite driver prepares every statement anew; preparing costs more than running most of ours.
 * The SQL Kysely compiles is parameterized, so the set of distinct statements is small: keep them.
 */
function withStatementCache(sqlite: SQLite.Database, capacity = 512): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => {
      cache.clear();
      sqlite.close();
    },
    prepare: (text: string) => {
      let stmt = cache.get(text);
      if (stmt === undefined) {
        stmt = sqlite.prepare(text);
        if (cache.size >= capacity) {
          const oldest = cache.keys().next().value;
          if (oldest !== undefined) cache.delete(oldest);
        }
      } else {
        cache.delete(text); // re-inserted below: Map order is the LRU order
      }
      cache.set(text, stmt);
      return stmt;
    },
  };
}

async function migrate<DB>(db: Kysely<DB>, provider: MigrationProvider): Promise<void> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new StoreError('flowgate.store.migration_failed', `database migration ${failed} failed`, { cause: error });
  }
}

/** A data directory path inside the configured one. */
export function dataPath(settings: Pick<FlowgateConfig, 'dataDir'>, ...parts: string[]): string {
  return join(resolve(settings.dataDir), ...parts);
}
