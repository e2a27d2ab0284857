// The SQL job queue (SQLite by default). Jobs live in the same database as the events they come from,
// so the dispatcher enqueues inside its own transaction: an event is claimed and its jobs exist, or neither.
import { Migrator, sql, type Kysely, type Generated, type MigrationProvider, type Selectable } from 'kysely';
import {
  backoffDelay,
  DEFAULT_BACKOFF,
  QueueError,
  type BackoffPolicy,
  type FailOutcome,
  type Job,
  type JobSpec,
  type JobState,
  type Queue,
  type Reservation,
} from './types.js';

export interface JobsTable {
  id: Generated<number>;
  queue: string;
  key: string | null;
  payload: string;
  state: JobState;
  attempts: number;
  max_attempts: number;
  run_at: number;
  lease_until: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

export interface QueueTables {
  jobs: JobsTable;
}

export interface SqlQueueOptions {
  now?: () => number;
  random?: () => number;
  backoff?: BackoffPolicy;
  defaultMaxAttempts?: number;
  dialect?: 'sqlite' | 'postgres';
}

const MAX_ERROR_LENGTH = 2_000;

export class SqlQueue implements Queue<Kysely<QueueTables>> {
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly backoff: BackoffPolicy;
  private readonly defaultMaxAttempts: number;

  constructor(
    private readonly db: Kysely<QueueTables>,
    options: SqlQueueOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.defaultMaxAttempts = options.defaultMaxAttempts ?? 8;
  }

  /** Creates the jobs table (its own migration history, so the queue stays independent of the store). */
  static async migrate(db: Kysely<QueueTables>, dialect: 'sqlite' | 'postgres' = 'sqlite'): Promise<void> {
    const migrator = new Migrator({
      db,
      provider: queueMigrations(dialect),
      migrationTableName: 'flowgate_queue_migration',
      migrationLockTableName: 'flowgate_queue_migration_lock',
    });
    const { error } = await migrator.migrateToLatest();
    if (error !== undefined)
      throw new QueueError('flowgate.queue.migration_failed', 'job queue migration failed', { cause: error });
  }

  async enqueue(specs: readonly JobSpec[], within?: Kysely<QueueTables>): Promise<number> {
    if (specs.length === 0) return 0;
    const now = this.now();
    const rows = specs.map((s) => ({
      queue: s.queue,
      key: s.key ?? null,
      // JSON.stringify(undefined) is undefined, which the NOT NULL column would reject.
      payload: s.payload === undefined ? 'null' : JSON.stringify(s.payload),
      state: 'ready' as const,
      attempts: 0,
      max_attempts: s.maxAttempts ?? this.defaultMaxAttempts,
      run_at: now + (s.delayMs ?? 0),
      lease_until: null,
      last_error: null,
      created_at: now,
      updated_at: now,
    }));
    const result = await (within ?? this.db)
      .insertInto('jobs')
      .values(rows)
      .onConflict((oc) => oc.column('key').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0);
  }

  async reserve(queue: string, limit: number, leaseMs: number): Promise<Reservation> {
    // Read first: with nothing due, a poll must not write. A write takes the database's one write lock, and
    // on a connection shared with the HTTP thread, waiting for it (another thread is dispatching) stalls
    // every request in flight.
    const dueIn = await this.nextDueIn(queue);
    if (dueIn === null || dueIn > 0) return { jobs: [], nextDueIn: dueIn };
    const now = this.now();
    // A lease ends at lease_until (like run_at, the instant itself is due), so nextDueIn's 0 means reservable.
    // A job whose lease ran out after its last allowed attempt died with its worker: dead-letter it.
    await this.db
      .updateTable('jobs')
      .set({
        state: 'dead',
        lease_until: null,
        updated_at: now,
        last_error: sql<string>`coalesce(last_error, 'lease expired: the worker stopped during the last attempt')`,
      })
      .where('queue', '=', queue)
      .where('state', '=', 'leased')
      .where('lease_until', '<=', now)
      .where(sql<boolean>`attempts >= max_attempts`)
      .execute();
    // SQLite reads a negative LIMIT as "no limit": a caller with no free slots must not lease everything.
    if (limit < 1) return { jobs: [] };
    // Two index range scans (jobs_due: queue, state, run_at): the oldest ready jobs, and the leases that ran
    // out (at most the jobs in flight). One OR over both states would read and sort every job of the queue.
    const ready = this.db
      .selectFrom('jobs')
      .select(['id', 'run_at'])
      .where('queue', '=', queue)
      .where('state', '=', 'ready')
      .where('run_at', '<=', now)
      .orderBy('run_at')
      .orderBy('id')
      .limit(limit);
    const expired = this.db
      .selectFrom('jobs')
      .select(['id', 'run_at'])
      .where('queue', '=', queue)
      .where('state', '=', 'leased')
      .where('lease_until', '<=', now);
    const due = this.db
      .selectFrom(
        this.db
          .selectFrom(ready.as('ready'))
          .select(['ready.id', 'ready.run_at'])
          .unionAll(expired)
          .orderBy('run_at')
          .orderBy('id')
          .limit(limit)
          .as('due'),
      )
      .select('due.id');
    const rows = await this.db
      .updateTable('jobs')
      .set({ state: 'leased', lease_until: now + leaseMs, attempts: sql<number>`attempts + 1`, updated_at: now })
      .where('id', 'in', due)
      .returningAll()
      .execute();
    return { jobs: rows.sort((a, b) => a.run_at - b.run_at || a.id - b.id).map(toJob) };
  }

  async ack(job: Job, within?: Kysely<QueueTables>): Promise<void> {
    // Guarded by the attempt number: a worker whose lease expired cannot remove a job another worker holds.
    await (within ?? this.db)
      .deleteFrom('jobs').where('id', '=', job.id).where('attempts', '=', job.attempts).execute();
  }

  async fail(job: Job, error: unknown, options: { delayMs?: number; dead?: boolean } = {}): Promise<FailOutcome> {
    const now = this.now();
    const message = describeError(error);
    if (job.attempts >= job.maxAttempts || options.dead === true) {
      await this.db
        .updateTable('jobs')
        .set({ state: 'dead', lease_until: null, last_error: message, updated_at: now })
        .where('id', '=', job.id)
        .where('attempts', '=', job.attempts)
        .execute();
      return { outcome: 'dead', runAt: null };
    }
    const delay = options.delayMs ?? backoffDelay(job.attempts, this.backoff, this.random);
    const runAt = now + Math.max(0, delay);
    await this.db
      .updateTable('jobs')
      .set({ state: 'ready', lease_until: null, run_at: runAt, last_error: message, updated_at: now })
      .where('id', '=', job.id)
      .where('attempts', '=', job.attempts)
      .execute();
    return { outcome: 'retry', runAt };
  }

  async listDead(options: { queue?: string; limit?: number } = {}): Promise<Job[]> {
    let query = this.db.selectFrom('jobs').selectAll().where('state', '=', 'dead');
    if (options.queue !== undefined) query = query.where('queue', '=', options.queue);
    const rows = await query
      .orderBy('id')
      .limit(options.limit ?? 1_000)
      .execute();
    return rows.map(toJob);
  }

  async replay(target: { ids: readonly number[] } | { allDead: true }): Promise<number> {
    const now = this.now();
    let query = this.db
      .updateTable('jobs')
      .set({ state: 'ready', attempts: 0, run_at: now, lease_until: null, updated_at: now })
      .where('state', '=', 'dead');
    if ('ids' in target) {
      if (target.ids.length === 0) return 0;
      query = query.where('id', 'in', [...target.ids]);
    }
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async counts(): Promise<Record<JobState, number>> {
    const rows = await this.db
      .selectFrom('jobs')
      .select(['state', (eb) => eb.fn.countAll<number | string | bigint>().as('n')])
      .groupBy('state')
      .execute();
    const out: Record<JobState, number> = { ready: 0, leased: 0, dead: 0 };
    for (const row of rows) out[row.state] = toInt(row.n);
    return out;
  }

  async nextDueIn(queue: string): Promise<number | null> {
    // min() over one index range each (the ready jobs' run_at, the leases' ends), not a scan of the queue.
    const row = await this.db
      .selectNoFrom((eb) => [
        eb
          .selectFrom('jobs')
          .select((e) => e.fn.min<number | string | null>('run_at').as('m'))
          .where('queue', '=', queue)
          .where('state', '=', 'ready')
          .as('ready'),
        eb
          .selectFrom('jobs')
          .select((e) => e.fn.min<number | string | null>('lease_until').as('m'))
          .where('queue', '=', queue)
          .where('state', '=', 'leased')
          .as('leased'),
      ])
      .executeTakeFirst();
    const dues = [row?.ready, row?.leased].filter((d): d is number | string => d !== null && d !== undefined);
    if (dues.length === 0) return null;
    return Math.max(0, Math.min(...dues.map(toInt)) - this.now());
  }
}

function toJob(row: Selectable<JobsTable>): Job {
  return {
    id: toInt(row.id),
    queue: row.queue,
    key: row.key,
    payload: JSON.parse(row.payload) as unknown,
    attempts: toInt(row.attempts),
    maxAttempts: toInt(row.max_attempts),
    lastError: row.last_error,
    createdAt: toInt(row.created_at),
    runAt: toInt(row.run_at),
  };
}

/** Postgres returns bigint columns and counts as strings; SQLite returns numbers. */
function toInt(value: number | string | bigint): number {
  return Number(value);
}

function describeError(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : `non-Error thrown: ${describeValue(error)}`;
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH)}…` : text;
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return value;
  // JSON shows a plain object's fields where String() gives "[object Object]" (or throws, for a null prototype).
  try {
    const json = JSON.stringify(value) as string | undefined;
    if (json !== undefined) return json;
  } catch {
    // cyclic or BigInt: String() below
  }
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

function queueMigrations(dialect: 'sqlite' | 'postgres'): MigrationProvider {
  return {
    getMigrations: () =>
      Promise.resolve({
        '0001_jobs': {
          async up(db: Kysely<unknown>) {
            const table = db.schema.createTable('jobs');
            await (
              dialect === 'postgres'
                ? table.addColumn('id', 'bigserial', (c) => c.primaryKey())
                : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
            )
              .addColumn('queue', 'text', (c) => c.notNull())
              .addColumn('key', 'text', (c) => c.unique())
              .addColumn('payload', 'text', (c) => c.notNull())
              .addColumn('state', 'text', (c) => c.notNull())
              .addColumn('attempts', 'integer', (c) => c.notNull())
              .addColumn('max_attempts', 'integer', (c) => c.notNull())
              .addColumn('run_at', 'bigint', (c) => c.notNull())
              .addColumn('lease_until', 'bigint')
              .addColumn('last_error', 'text')
              .addColumn('created_at', 'bigint', (c) => c.notNull())
              .addColumn('updated_at', 'bigint', (c) => c.notNull())
              .execute();
            await db.schema.createIndex('jobs_due').on('jobs').columns(['queue', 'state', 'run_at']).execute();
          },
        },
      }),
  };
}
