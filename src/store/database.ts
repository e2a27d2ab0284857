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
  type Driver,
  type SqliteDatabase,
  type SqliteDialectConfig,
} from 'kysely';
import type { FlowgateConfig } from '../config/index.js';
import { startCheckpointer } from './checkpointer.js';
import { migrationProvider, type SqlDialectName } from './migrations.js';
import type { Database } from './schema.js';

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
  dialect: SqlDialectName;
  /** Where the SQLite file lives (null for other engines). */
  path: string | null;
  /**
   * Runs writes whose commit must reach the disk before the caller answers anyone (the inbox). Other
   * writes only need to survive a process crash: they can be rebuilt from the inbox after a power cut.
   */
  durably<T>(fn: (db: Kysely<Database>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export type DatabaseSettings = Pick<FlowgateConfig, 'databaseUrl' | 'dataDir' | 'sqliteSynchronous'> & {
  /**
   * `own` (default): this connection's checkpoint thread moves the WAL into the database, and this
   * connection finishes a checkpoint the thread cannot catch up with. `elsewhere`: another connection that
   * does most of the writing (the ingest thread's) takes care of it; this one never checkpoints, so the
   * thread it runs on (the HTTP thread) never stalls on one.
   */
  checkpoints?: 'own' | 'elsewhere';
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

export async function openDatabase(settings: DatabaseSettings): Promise<OpenedDatabase> {
  if (settings.databaseUrl !== null && /^postgres(ql)?:/.test(settings.databaseUrl)) {
    throw new StoreError(
      'flowgate.store.postgres_unavailable',
      'PostgreSQL support is not part of this build yet; unset DATABASE_URL to use the embedded SQLite store',
    );
  }
  const path = sqlitePath(settings);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SQLite(path);
  sqlite.pragma('journal_mode = WAL');
  // NORMAL in WAL mode survives a process crash but may lose the newest commits on power loss. WAL keeps
  // commits in order, so what a power cut loses is a suffix, and everything but the inbox can be rebuilt.
  // Inbox commits switch to FULL (an fsync of the WAL, which also covers every earlier commit).
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: withStatementCache(sqlite) }) });
  await migrate(db, 'sqlite');
  if (settings.checkpoints === 'elsewhere') sqlite.pragma('wal_autocheckpoint = 0');
  const checkpointer =
    path === ':memory:' || settings.checkpoints === 'elsewhere' ? null : startCheckpointer(sqlite, path);
  const fsyncEachCommit = settings.sqliteSynchronous === 'full';
  return {
    db,
    dialect: 'sqlite',
    path,
    durably: (fn) =>
      fsyncEachCommit
        ? db.connection().execute(async (conn) => {
            await sql`PRAGMA synchronous = FULL`.execute(conn);
            try {
              return await fn(conn);
            } finally {
              await sql`PRAGMA synchronous = NORMAL`.execute(conn);
            }
          })
        : fn(db),
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

async function migrate(db: Kysely<Database>, dialect: SqlDialectName): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider(dialect) });
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
