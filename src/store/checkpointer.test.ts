// The checkpoint thread: the main connection stops checkpointing in its commits, nothing committed is lost,
// and a clean close leaves the database file complete (the WAL applied and removed). On Linux the thread runs
// below the threads people wait on (its nice value, read from /proc, where Linux shows each thread's).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { niceOf, waitFor } from '../support/shared.test-util.js';
import { startCheckpointer } from './checkpointer.js';
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

/** Another thread's connection committing `commits` one-row updates, `perMs` of them each millisecond. */
const WRITER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.path);
db.pragma('synchronous = NORMAL');
db.pragma('wal_autocheckpoint = 0');
const update = db.prepare('UPDATE t SET n = ? WHERE id = 1');
let n = 0;
const tick = () => {
  for (let i = 0; i < workerData.perMs && n < workerData.commits; i++) update.run(++n);
  if (n < workerData.commits) setTimeout(tick, 1);
  else { db.close(); parentPort.postMessage('done'); }
};
tick();
`;

describe('catching up with another connection’s commits', () => {
  it('starts the WAL over although the connection that owns the checkpoints is not the one writing', async () => {
    // As with the ingest thread: the dispatch thread's connection owns the checkpoints, the HTTP thread
    // commits. A PASSIVE catch-up that the writer keeps overtaking never lets the WAL start over; before the
    // RESTART this test ended with about one WAL page per commit (9,455 pages after its 12,000).
    const path = join(tempDir(), 'db.sqlite');
    const owner = new SQLite(path);
    owner.pragma('journal_mode = WAL');
    owner.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)');
    owner.exec('INSERT INTO t VALUES (1, 0)');
    const checkpointer = startCheckpointer(owner, path, { intervalMs: 20, catchUpPages: 300 });
    const commits = 12_000;
    const writer = new Worker(WRITER_SOURCE, {
      eval: true,
      workerData: { module: createRequire(import.meta.url).resolve('better-sqlite3'), path, commits, perMs: 8 },
    });
    try {
      await new Promise<void>((resolve, reject) => {
        writer.once('message', () => {
          resolve();
        });
        writer.once('error', reject);
      });
      const walPages = statSync(`${path}-wal`).size / 4096;
      expect(walPages).toBeLessThan(commits / 4);
      // The owner's busy timeout is back to what it was (catchUp sets 0 for its RESTART only).
      expect(owner.pragma('busy_timeout', { simple: true })).toBe(5000);
      expect(owner.prepare('SELECT n FROM t WHERE id = 1').get()).toEqual({ n: commits });
    } finally {
      await writer.terminate();
      await checkpointer.stop();
      owner.close();
    }
  });
});

/** A thread's nice value, or null when it ended between listing and reading. */
function threadNice(tid: string): number | null {
  try {
    return niceOf(`/proc/self/task/${tid}/stat`);
  } catch {
    return null;
  }
}

const threads = (): Set<string> => new Set(readdirSync('/proc/self/task'));

describe.skipIf(process.platform !== 'linux')('startCheckpointer (Linux: threads have their own nice value)', () => {
  it('runs its thread at nice 10, checkpoints the WAL, and ends the thread on stop()', async ({ skip }) => {
    if (niceOf('/proc/thread-self/stat') >= 10) skip('this test already runs at nice ≥ 10');
    const path = join(tempDir(), 'db.sqlite');
    const sqlite = new SQLite(path);
    sqlite.pragma('journal_mode = WAL');
    sqlite.exec('CREATE TABLE t (n INTEGER)');
    const before = threads();

    const checkpointer = startCheckpointer(sqlite, path, { intervalMs: 20 });
    const lowered = await waitFor(
      () => {
        const fresh = [...threads()].filter((tid) => !before.has(tid) && threadNice(tid) === 10);
        return fresh.length === 1 ? fresh[0] : undefined;
      },
      5_000,
      'one new thread at nice 10',
    );
    expect(sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(0);

    const insert = sqlite.prepare('INSERT INTO t VALUES (?)');
    for (let n = 0; n < 200; n++) insert.run(n);
    // A checkpoint that caught up leaves nothing for a PASSIVE one to copy: log and checkpointed agree.
    await waitFor(
      () => {
        const [state] = sqlite.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[];
        return state !== undefined && state.log > 0 && state.log === state.checkpointed;
      },
      5_000,
      'a checkpoint that caught up with the WAL',
    );

    await checkpointer.stop();
    expect(threads().has(lowered)).toBe(false);
    // Stopped, the connection checkpoints by itself again.
    expect(sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    sqlite.close();
  });
});
