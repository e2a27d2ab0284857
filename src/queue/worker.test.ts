// JobWorker on a real SqlQueue over a SQLite file: what an idle poll costs the database, and when the worker
// wakes up again.
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../log/index.js';
import { SqlQueue, type Job, type JobSpec, type QueueTables } from './index.js';
import { tempDirs } from '../store/temp-dirs.test-util.js';
import { JobWorker, type WorkerOptions } from './worker.js';

const tempDir = tempDirs('flowgate-worker-');
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A queue on a fresh SQLite file, with the SQL of every statement run after its migration. */
async function loggedQueue(): Promise<{ queue: SqlQueue; db: Kysely<QueueTables>; statements: string[] }> {
  const database = new SQLite(join(tempDir(), 'queue.db'));
  database.pragma('journal_mode = WAL');
  const statements: string[] = [];
  const db = new Kysely<QueueTables>({
    dialect: new SqliteDialect({ database }),
    log: (event) => {
      if (event.level === 'query') statements.push(event.query.sql);
    },
  });
  cleanups.push(() => db.destroy());
  await SqlQueue.migrate(db);
  statements.length = 0;
  return { queue: new SqlQueue(db), db, statements };
}

function startWorker(options: Omit<WorkerOptions, 'name' | 'logger'>): JobWorker {
  const worker = new JobWorker({ name: 'send', logger: silentLogger(), ...options });
  cleanups.push(() => worker.stop());
  worker.start();
  return worker;
}

describe('JobWorker', () => {
  it.each<[string, JobSpec[]]>([
    ['an empty queue', []],
    ['a queue whose only job is due later', [{ queue: 'send', payload: 'later', delayMs: 60_000 }]],
  ])('polls %s with one read per poll', async (_, specs) => {
    const { queue, statements } = await loggedQueue();
    await queue.enqueue(specs);
    statements.length = 0;
    const reserve = vi.spyOn(queue, 'reserve');
    const worker = startWorker({ queue, process: () => Promise.resolve(), pollMs: 5 });

    await vi.waitFor(() => {
      expect(reserve.mock.calls.length).toBeGreaterThanOrEqual(5);
    });
    await worker.stop();

    // The reserve's own read says when to wake: no second query for how long to sleep, and no write.
    expect(statements).toHaveLength(reserve.mock.calls.length);
    for (const statement of statements) expect(statement).toMatch(/^select /);
  });

  it('runs each job once it is due, long before the poll interval', async () => {
    const { queue } = await loggedQueue();
    const enqueuedAt = Date.now();
    await queue.enqueue([
      { queue: 'send', payload: 'now' },
      { queue: 'send', payload: 'soon', delayMs: 150 },
    ]);
    const ran = new Map<unknown, number>();
    startWorker({
      queue,
      pollMs: 60_000,
      process: (job: Job) => {
        ran.set(job.payload, Date.now());
        return Promise.resolve();
      },
    });

    // 'now' leaves slots free, so the worker asks when 'soon' is due; once idle, its reserve says so.
    await vi.waitFor(() => {
      expect([...ran.keys()]).toEqual(['now', 'soon']);
    }, 5_000);
    expect(ran.get('soon')! - enqueuedAt).toBeGreaterThanOrEqual(150);
  });

  it('waits the poll interval after a failed reserve', async () => {
    const { queue, db } = await loggedQueue();
    await sql`drop table jobs`.execute(db);
    const reserveFor = queue.reserve.bind(queue);
    const calledAt: number[] = [];
    const reserve = vi.spyOn(queue, 'reserve').mockImplementation((...args) => {
      calledAt.push(performance.now());
      return reserveFor(...args);
    });
    startWorker({ queue, process: () => Promise.resolve(), pollMs: 100 });

    await vi.waitFor(() => {
      expect(calledAt.length).toBeGreaterThanOrEqual(3);
    }, 5_000);
    await expect(reserve.mock.results[0]?.value).rejects.toThrow(/no such table/);
    // No retry loop: each failed reserve is followed by the whole poll interval (a lower bound only, so
    // a slow machine cannot fail it).
    for (let i = 1; i < calledAt.length; i++) expect(calledAt[i]! - calledAt[i - 1]!).toBeGreaterThanOrEqual(95);
  });
});
