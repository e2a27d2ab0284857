// SqlQueue on a real SQLite file (WAL, as in production), through the shared conformance suite,
// plus what only the SQL backend promises: durable across reopen, safe across connections.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runQueueConformance, type FakeClock, type QueueCaseOptions } from './queue.case.js';
import { SqlQueue, type QueueTables } from './sql-queue.js';
import { backoffDelay, DEFAULT_BACKOFF } from './types.js';

const START = Date.UTC(2025, 0, 1);

function fakeClock(start = START): FakeClock {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}

/** Deterministic "random" that visits both ends of [0, 1), so jitter bounds are checked at their edges. */
function cyclingRandom(values: readonly number[] = [0, 0.999_999, 0.5, 0.25, 0.75]): () => number {
  let i = 0;
  return () => values[i++ % values.length]!;
}

function openSqlite(path: string): Kysely<QueueTables> {
  const database = new SQLite(path);
  database.pragma('journal_mode = WAL');
  database.pragma('busy_timeout = 5000');
  return new Kysely<QueueTables>({ dialect: new SqliteDialect({ database }) });
}

function tempDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'flowgate-queue-'));
  return {
    path,
    remove: () => {
      rmSync(path, { recursive: true, force: true });
    },
  };
}

runQueueConformance<Kysely<QueueTables>>('SqlQueue (SQLite file)', async (options: QueueCaseOptions) => {
  const dir = tempDir();
  const db = openSqlite(join(dir.path, 'queue.db'));
  await SqlQueue.migrate(db);
  const clock = fakeClock();
  const queue = new SqlQueue(db, { now: () => clock.now(), random: cyclingRandom(), ...options });
  return {
    queue,
    clock,
    transaction: (fn) => db.transaction().execute(fn),
    close: async () => {
      await db.destroy();
      dir.remove();
    },
  };
});

describe('SqlQueue on SQLite', () => {
  let dir: ReturnType<typeof tempDir>;
  let path: string;
  const open: Kysely<QueueTables>[] = [];

  const connect = async (): Promise<Kysely<QueueTables>> => {
    const db = openSqlite(path);
    open.push(db);
    await SqlQueue.migrate(db);
    return db;
  };

  beforeEach(() => {
    dir = tempDir();
    path = join(dir.path, 'queue.db');
  });
  afterEach(async () => {
    for (const db of open.splice(0)) await db.destroy();
    dir.remove();
  });

  it('runs in WAL mode and migrates idempotently', async () => {
    const db = await connect();
    await SqlQueue.migrate(db);
    const { rows } = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db);
    expect(rows[0]?.journal_mode).toBe('wal');
    const tables = await db.introspection.getTables();
    expect(tables.map((t) => t.name)).toContain('jobs');
  });

  it('keeps jobs across a reopen of the database file', async () => {
    const clock = fakeClock();
    const first = await connect();
    await new SqlQueue(first, { now: clock.now }).enqueue([{ queue: 'send', payload: { to: '1555' }, key: 'k' }]);
    await first.destroy();
    open.splice(open.indexOf(first), 1);

    const second = await connect();
    const queue = new SqlQueue(second, { now: clock.now });
    expect(await queue.enqueue([{ queue: 'send', payload: 'dup', key: 'k' }])).toBe(0);
    const { jobs } = await queue.reserve('send', 10, 1_000);
    expect(jobs.map((j) => j.payload)).toEqual([{ to: '1555' }]);
  });

  it('never leases one job to two connections', async () => {
    const clock = fakeClock();
    const a = new SqlQueue(await connect(), { now: clock.now });
    const b = new SqlQueue(await connect(), { now: clock.now });
    await a.enqueue(Array.from({ length: 20 }, (_, n) => ({ queue: 'send', payload: n })));

    const batches = await Promise.all([a, b, a, b, a, b].map((q) => q.reserve('send', 4, 60_000)));
    const ids = batches.flatMap((b) => b.jobs).map((j) => j.id);
    expect(ids).toHaveLength(20);
    expect(new Set(ids).size).toBe(20);
    expect(await b.counts()).toEqual({ ready: 0, leased: 20, dead: 0 });
  });

  it('uses the default backoff and max attempts when given none', async () => {
    const clock = fakeClock();
    const queue = new SqlQueue(await connect(), { now: clock.now, random: () => 0 });
    await queue.enqueue([{ queue: 'send', payload: 1 }]);
    const [job] = (await queue.reserve('send', 1, 1_000)).jobs;
    expect(job!.maxAttempts).toBe(8);
    expect(await queue.fail(job!, new Error('x'))).toEqual({
      outcome: 'retry',
      runAt: clock.now() + DEFAULT_BACKOFF.baseMs / 2,
    });
  });
});

describe('backoffDelay', () => {
  const policy = { baseMs: 1_000, maxMs: 10_000 };

  it('doubles per attempt, between half and all of base·2^(n-1)', () => {
    for (const [attempt, d] of [
      [1, 1_000],
      [2, 2_000],
      [3, 4_000],
      [4, 8_000],
    ] as const) {
      expect(backoffDelay(attempt, policy, () => 0)).toBe(d / 2);
      expect(backoffDelay(attempt, policy, () => 0.5)).toBe((d * 3) / 4);
      expect(backoffDelay(attempt, policy, () => 0.999_999)).toBeLessThanOrEqual(d);
      expect(backoffDelay(attempt, policy, () => 0.999_999)).toBeGreaterThan(d - 1);
    }
  });

  it('is capped at maxMs however many attempts', () => {
    for (const attempt of [5, 10, 64, 2_000]) {
      expect(backoffDelay(attempt, policy, () => 0)).toBe(5_000);
      expect(backoffDelay(attempt, policy, () => 0.999_999)).toBeLessThanOrEqual(10_000);
    }
  });

  it('treats attempt 0 or less like the first retry, never shorter', () => {
    expect(backoffDelay(0, policy, () => 0)).toBe(500);
    expect(backoffDelay(-3, policy, () => 0)).toBe(500);
  });

  it('stays in [d/2, d] with Math.random', () => {
    for (let i = 0; i < 1_000; i++) {
      const delay = backoffDelay(3, policy);
      expect(delay).toBeGreaterThanOrEqual(2_000);
      expect(delay).toBeLessThanOrEqual(4_000);
    }
  });
});
