// The checkpoint thread: the main connection stops checkpointing in its commits, nothing committed is lost,
// and a clean close leaves the database file complete (the WAL applied and removed).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { tempDirs } from './temp-dirs.test-util.js';
import { openDatabase } from './database.js';

const tempDir = tempDirs('flowgate-checkpoint-');

describe('WAL checkpoints off the main thread', () => {
  it('keeps every commit through the thread’s checkpoints and a clean close', async () => {
    const dataDir = tempDir();
    const opened = await openDatabase({ databaseUrl: null, dataDir, sqliteSynchronous: 'full' });
    const auto = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(opened.db);
    expect(auto.rows[0]?.wal_autocheckpoint).toBe(0);
    await sql`create table t (id integer primary key, body text not null)`.execute(opened.db);
    for (let i = 0; i < 3_000; i++) {
      await sql`insert into t (body) values (${'x'.repeat(2_000)})`.execute(opened.db);
      // Let the thread's catch-up requests in, as a server's event loop would.
      if (i % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await opened.close();

    const path = join(dataDir, 'flowgate.db');
    expect(existsSync(`${path}-wal`)).toBe(false);
    const reopened = new SQLite(path, { readonly: true });
    try {
      expect(reopened.prepare('select count(*) as n from t').get()).toEqual({ n: 3_000 });
    } finally {
      reopened.close();
    }
  });
});
