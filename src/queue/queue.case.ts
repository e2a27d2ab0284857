// The conformance suite every Queue backend passes: one set of cases, run by each backend's test file
// with a factory that builds the backend on a fake clock (no sleeps, no real time).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BackoffPolicy, Job, JobSpec, Queue } from './types.js';

export interface FakeClock {
  now: () => number;
  advance: (ms: number) => void;
}

/** The settings the suite asserts against; a factory must build its queue with them. */
export interface QueueCaseOptions {
  backoff: BackoffPolicy;
  defaultMaxAttempts: number;
}

export interface QueueFixture<Tx = unknown> {
  queue: Queue<Tx>;
  clock: FakeClock;
  close(): Promise<void>;
  /**
   * Runs `fn` in a backend transaction that commits when it resolves and rolls back when it throws.
   * Backends without transactions leave it out and the `within` cases are skipped.
   */
  transaction?: (fn: (tx: Tx) => Promise<void>) => Promise<void>;
}

export type QueueFactory<Tx = unknown> = (options: QueueCaseOptions) => Promise<QueueFixture<Tx>>;

const OPTIONS: QueueCaseOptions = {
  backoff: { baseMs: 1_000, maxMs: 8_000 },
  defaultMaxAttempts: 3,
};
const LEASE = 30_000;

/** Narrows away null/undefined, failing the test when the value is missing. */
function present<T>(value: T | null | undefined): T {
  expect(value).toBeDefined();
  expect(value).not.toBeNull();
  return value as T;
}

class Rollback extends Error {
  override readonly name = 'Rollback';
}

export function runQueueConformance<Tx>(name: string, factory: QueueFactory<Tx>): void {
  describe(`Queue conformance: ${name}`, () => {
    let fx: QueueFixture<Tx>;
    let queue: Queue<Tx>;
    let clock: FakeClock;

    beforeEach(async () => {
      fx = await factory(OPTIONS);
      queue = fx.queue;
      clock = fx.clock;
    });
    afterEach(async () => {
      await fx.close();
    });

    const lease = async (q: string, limit: number): Promise<Job[]> => (await queue.reserve(q, limit, LEASE)).jobs;

    const one = async (q = 'work'): Promise<Job> => {
      const jobs = await lease(q, 1);
      expect(jobs).toHaveLength(1);
      return present(jobs[0]);
    };

    describe('enqueue, reserve, ack', () => {
      it('round-trips a job with its payload, and ack removes it', async () => {
        const payload = { to: '15551234567', text: 'héllo ✓', nested: { list: [1, null, true] } };
        const createdAt = clock.now();
        expect(await queue.enqueue([{ queue: 'work', payload }])).toBe(1);

        const job = await one();
        expect(job).toMatchObject({
          queue: 'work',
          key: null,
          payload,
          attempts: 1,
          maxAttempts: OPTIONS.defaultMaxAttempts,
          lastError: null,
          createdAt,
          runAt: createdAt,
        });
        expect(typeof job.id).toBe('number');

        await queue.ack(job);
        expect(await queue.counts()).toEqual({ ready: 0, leased: 0, dead: 0 });
        clock.advance(LEASE * 10);
        expect(await queue.reserve('work', 10, LEASE)).toEqual({ jobs: [], nextDueIn: null });
      });

      it('stores a job whose payload is undefined as null', async () => {
        expect(await queue.enqueue([{ queue: 'work', payload: undefined }])).toBe(1);
        expect((await one()).payload).toBeNull();
      });

      it('enqueues nothing for an empty batch', async () => {
        expect(await queue.enqueue([])).toBe(0);
        expect(await queue.counts()).toEqual({ ready: 0, leased: 0, dead: 0 });
      });

      it('honours maxAttempts per job', async () => {
        await queue.enqueue([{ queue: 'work', payload: 1, maxAttempts: 7 }]);
        expect((await one()).maxAttempts).toBe(7);
      });

      it('reserves only from the named queue', async () => {
        await queue.enqueue([
          { queue: 'a', payload: 'a' },
          { queue: 'b', payload: 'b' },
        ]);
        const jobs = await lease('b', 10);
        expect(jobs.map((j) => j.payload)).toEqual(['b']);
        expect(await queue.counts()).toEqual({ ready: 1, leased: 1, dead: 0 });
      });
    });

    describe('reserve order and limit', () => {
      it('leases at most `limit` jobs, oldest run_at first, then by id', async () => {
        const specs: JobSpec[] = ['late', 'first', 'second', 'third'].map((p) => ({
          queue: 'work',
          payload: p,
          delayMs: p === 'late' ? 5 : 0,
        }));
        expect(await queue.enqueue(specs)).toBe(4);
        clock.advance(10);

        const firstTwo = await lease('work', 2);
        expect(firstTwo.map((j) => j.payload)).toEqual(['first', 'second']);
        expect(present(firstTwo[0]).id).toBeLessThan(present(firstTwo[1]).id);

        const rest = await lease('work', 10);
        expect(rest.map((j) => j.payload)).toEqual(['third', 'late']);
        expect(await queue.reserve('work', 10, LEASE)).toEqual({ jobs: [], nextDueIn: LEASE });
      });

      it('leases nothing for a limit of zero or less', async () => {
        await queue.enqueue([
          { queue: 'work', payload: 1 },
          { queue: 'work', payload: 2 },
        ]);
        expect(await lease('work', 0)).toEqual([]);
        expect(await lease('work', -1)).toEqual([]);
        expect(await queue.counts()).toEqual({ ready: 2, leased: 0, dead: 0 });
      });
    });

    describe('delayed jobs', () => {
      it('is not due until the clock reaches its delay', async () => {
        const enqueuedAt = clock.now();
        await queue.enqueue([{ queue: 'work', payload: 'later', delayMs: 5_000 }]);

        clock.advance(4_999);
        expect(await queue.reserve('work', 10, LEASE)).toEqual({ jobs: [], nextDueIn: 1 });
        clock.advance(1);
        const job = await one();
        expect(job.payload).toBe('later');
        expect(job.runAt).toBe(enqueuedAt + 5_000);
      });
    });

    describe('idempotency key', () => {
      it('enqueues a key once: the second enqueue returns 0', async () => {
        expect(await queue.enqueue([{ queue: 'work', payload: 'first', key: 'wamid.A:reply' }])).toBe(1);
        expect(await queue.enqueue([{ queue: 'work', payload: 'second', key: 'wamid.A:reply' }])).toBe(0);

        const jobs = await lease('work', 10);
        expect(jobs).toHaveLength(1);
        expect(jobs[0]).toMatchObject({ payload: 'first', key: 'wamid.A:reply' });
      });

      it('counts only the new jobs of a batch, and null keys never collide', async () => {
        await queue.enqueue([{ queue: 'work', payload: 0, key: 'k1' }]);
        const added = await queue.enqueue([
          { queue: 'work', payload: 1, key: 'k1' },
          { queue: 'work', payload: 2, key: 'k2' },
          { queue: 'work', payload: 3 },
          { queue: 'work', payload: 4, key: null },
        ]);
        expect(added).toBe(3);
        const jobs = await lease('work', 10);
        expect(jobs.map((j) => j.payload)).toEqual([0, 2, 3, 4]);
      });
    });

    describe('leases', () => {
      it('does not lease a job twice while the lease holds', async () => {
        await queue.enqueue([{ queue: 'work', payload: 'x' }]);
        await one();
        clock.advance(LEASE - 1);
        expect(await queue.reserve('work', 10, LEASE)).toEqual({ jobs: [], nextDueIn: 1 });
        expect(await queue.counts()).toEqual({ ready: 0, leased: 1, dead: 0 });
      });

      it('gives a dead worker’s job to the next reserve once the lease expires, attempts incremented', async () => {
        await queue.enqueue([{ queue: 'work', payload: 'x' }]);
        const first = await one();
        expect(first.attempts).toBe(1);

        clock.advance(LEASE);
        const again = await one();
        expect(again.id).toBe(first.id);
        expect(again.payload).toBe('x');
        expect(again.attempts).toBe(2);
        expect(again.lastError).toBeNull();
      });

      it('dead-letters a job whose lease expires on its final attempt at the next reserve', async () => {
        await queue.enqueue([{ queue: 'work', payload: 'x', maxAttempts: 1 }]);
        const job = await one();

        clock.advance(LEASE);
        expect(await lease('work', 10)).toEqual([]);
        expect(await queue.counts()).toEqual({ ready: 0, leased: 0, dead: 1 });
        const [dead] = await queue.listDead();
        expect(dead).toMatchObject({ id: job.id, attempts: 1 });
        expect(present(dead).lastError).toMatch(/lease expired/);
      });

      it('ignores a stale ack or fail from a worker whose job was re-leased', async () => {
        await queue.enqueue([{ queue: 'work', payload: 'x' }]);
        const workerA = await one();
        clock.advance(LEASE);
        const workerB = await one();
        expect(workerB.attempts).toBe(workerA.attempts + 1);

        await queue.ack(workerA);
        await queue.fail(workerA, new Error('late failure from A'));
        expect(await queue.counts()).toEqual({ ready: 0, leased: 1, dead: 0 });
        clock.advance(LEASE - 1);
        expect(await queue.reserve('work', 10, LEASE)).toEqual({ jobs: [], nextDueIn: 1 });

        await queue.ack(workerB);
        expect(await queue.counts()).toEqual({ ready: 0, leased: 0, dead: 0 });
      });
    });

    describe('fail', () => {
      it('retries with jittered exponential backoff within [d/2, d], not due before', async () => {
        const { baseMs, maxMs } = OPTIONS.backoff;
        // Five failures at maxAttempts 6 cover growth (1 s, 2 s, 4 s, 8 s) and the 8 s cap.
        await queue.enqueue([{ queue: 'work', payload: 'x', maxAttempts: 6 }]);
        for (let attempt = 1; attempt <= 5; attempt++) {
          const job = await one();
          expect(job.attempts).toBe(attempt);
          const failedAt = clock.now();
          const outcome = await queue.fail(job, new Error(`attempt ${attempt} failed`));

          const d = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
          expect(outcome.outcome).toBe('retry');
          const runAt = present(outcome.runAt);
          expect(runAt - failedAt).toBeGreaterThanOrEqual(d / 2);
          expect(runAt - failedAt).toBeLessThanOrEqual(d);

          expect(await queue.counts()).toEqual({ ready: 1, leased: 0, dead: 0 });
          clock.advance(runAt - failedAt - 1);
          expect(await queue.reserve('work', 10, LEASE)).toEqual({ jobs: [], nextDueIn: 1 });
          expect(await queue.nextDueIn('work')).toBe(1);
          clock.advance(1);
        }
        const last = await one();
        expect(last.attempts).toBe(6);
        expect(last.lastError).toContain('attempt 5 failed');
      });

      it('dead-letters after maxAttempts failures, keeping the error message', async () => {
        await queue.enqueue([{ queue: 'work', payload: { n: 1 }, maxAttempts: 2 }]);
        const first = await one();
        expect((await queue.fail(first, new Error('graph 500'))).outcome).toBe('retry');
        clock.advance(OPTIONS.backoff.baseMs);

        const second = await one();
        expect(second.attempts).toBe(2);
        expect(await queue.fail(second, new TypeError('graph said no'))).toEqual({ outcome: 'dead', runAt: null });

        expect(await queue.counts()).toEqual({ ready: 0, leased: 0, dead: 1 });
        clock.advance(OPTIONS.backoff.maxMs * 10);
        expect(await queue.reserve('work', 10, LEASE)).toEqual({ jobs: [], nextDueIn: null });
        const [dead] = await queue.listDead();
        expect(dead).toMatchObject({ id: first.id, payload: { n: 1 }, attempts: 2 });
        expect(present(dead).lastError).toContain('graph said no');
        expect(present(dead).lastError).toContain('TypeError');
      });

      it('records a thrown non-Error readably', async () => {
        await queue.enqueue([
          { queue: 'work', payload: 'string', maxAttempts: 1 },
          { queue: 'work', payload: 'object', maxAttempts: 1 },
          { queue: 'work', payload: 'bare', maxAttempts: 1 },
          { queue: 'work', payload: 'undefined', maxAttempts: 1 },
        ]);
        const [str, obj, bare, undef] = await lease('work', 4);
        await queue.fail(present(str), 'rate limited');
        await queue.fail(present(obj), { code: 131056, title: 'pair rate limit' });
        await queue.fail(present(bare), Object.create(null));
        await queue.fail(present(undef), undefined);

        const errors = new Map((await queue.listDead()).map((j) => [j.payload, j.lastError]));
        expect(errors.get('string')).toContain('rate limited');
        expect(errors.get('object')).toContain('131056');
        expect(errors.get('object')).toContain('pair rate limit');
        expect(errors.get('object')).not.toContain('[object Object]');
        expect(errors.get('bare')).toEqual(expect.any(String));
        expect(errors.get('undefined')).toContain('undefined');
        for (const text of errors.values()) expect(text).toMatch(/non-Error/);
      });

      it('truncates a huge error message', async () => {
        await queue.enqueue([{ queue: 'work', payload: 'x', maxAttempts: 1 }]);
        await queue.fail(await one(), new Error('x'.repeat(100_000)));
        const [dead] = await queue.listDead();
        const lastError = present(present(dead).lastError);
        expect(lastError.length).toBeLessThan(10_000);
        expect(lastError).toContain('xxxx');
      });
    });

    describe('dead letters', () => {
      async function killAll(q: string, payloads: string[]): Promise<void> {
        await queue.enqueue(payloads.map((payload) => ({ queue: q, payload, maxAttempts: 1 })));
        for (const job of await lease(q, payloads.length)) await queue.fail(job, new Error(`${q} down`));
      }

      it('lists dead jobs, filtered by queue and limited', async () => {
        await killAll('send', ['s1', 's2']);
        await killAll('forward', ['f1']);
        await queue.enqueue([{ queue: 'send', payload: 'alive' }]);

        expect((await queue.listDead()).map((j) => j.payload)).toEqual(['s1', 's2', 'f1']);
        expect((await queue.listDead({ queue: 'forward' })).map((j) => j.payload)).toEqual(['f1']);
        expect((await queue.listDead({ queue: 'send', limit: 1 })).map((j) => j.payload)).toEqual(['s1']);
        expect(await queue.listDead({ queue: 'nothing' })).toEqual([]);
      });

      it('replays dead jobs by id: due now, attempts reset', async () => {
        await killAll('send', ['s1', 's2']);
        const [s1, s2] = await queue.listDead();
        clock.advance(1_000);
        const replayedAt = clock.now();

        expect(await queue.replay({ ids: [present(s1).id, 999_999] })).toBe(1);
        expect(await queue.counts()).toEqual({ ready: 1, leased: 0, dead: 1 });
        expect(await queue.nextDueIn('send')).toBe(0);

        const job = await one('send');
        expect(job).toMatchObject({ id: present(s1).id, payload: 's1', attempts: 1, runAt: replayedAt });
        expect((await queue.listDead()).map((j) => j.id)).toEqual([present(s2).id]);
      });

      it('replays nothing for an empty id list, and never a job that is not dead', async () => {
        await killAll('send', ['s1']);
        await queue.enqueue([{ queue: 'send', payload: 'alive' }]);
        const leased = await one('send');

        expect(await queue.replay({ ids: [] })).toBe(0);
        expect(await queue.replay({ ids: [leased.id] })).toBe(0);
        expect(await queue.counts()).toEqual({ ready: 0, leased: 1, dead: 1 });
      });

      it('replays every dead job with allDead', async () => {
        await killAll('send', ['s1', 's2']);
        await killAll('forward', ['f1']);
        expect(await queue.replay({ allDead: true })).toBe(3);
        expect(await queue.counts()).toEqual({ ready: 3, leased: 0, dead: 0 });
        expect(await queue.listDead()).toEqual([]);

        const send = await lease('send', 10);
        expect(send.map((j) => [j.payload, j.attempts])).toEqual([
          ['s1', 1],
          ['s2', 1],
        ]);
        expect(await queue.replay({ allDead: true })).toBe(0);
      });
    });

    describe('counts and nextDueIn', () => {
      it('counts jobs per state across queues', async () => {
        expect(await queue.counts()).toEqual({ ready: 0, leased: 0, dead: 0 });
        await queue.enqueue([
          { queue: 'a', payload: 1 },
          { queue: 'a', payload: 2 },
          { queue: 'b', payload: 3, maxAttempts: 1 },
          { queue: 'b', payload: 4, delayMs: 60_000 },
        ]);
        await lease('a', 1);
        await queue.fail(await one('b'), new Error('x'));
        expect(await queue.counts()).toEqual({ ready: 2, leased: 1, dead: 1 });
      });

      it('reports the wait until the next job of a queue is due', async () => {
        expect(await queue.nextDueIn('work')).toBeNull();

        await queue.enqueue([{ queue: 'work', payload: 'later', delayMs: 5_000 }]);
        await queue.enqueue([{ queue: 'other', payload: 'now' }]);
        expect(await queue.nextDueIn('work')).toBe(5_000);
        clock.advance(2_000);
        expect(await queue.nextDueIn('work')).toBe(3_000);
        expect(await queue.nextDueIn('other')).toBe(0);

        clock.advance(3_000);
        expect(await queue.nextDueIn('work')).toBe(0);
        const job = await one();
        expect(await queue.nextDueIn('work')).toBe(LEASE);
        clock.advance(10_000);
        expect(await queue.nextDueIn('work')).toBe(LEASE - 10_000);

        await queue.ack(job);
        expect(await queue.nextDueIn('work')).toBeNull();
      });

      it('is never 0 unless reserve would return a job', async () => {
        await queue.enqueue([{ queue: 'work', payload: 'x', delayMs: 100 }]);
        clock.advance(present(await queue.nextDueIn('work')));
        expect(await queue.nextDueIn('work')).toBe(0);
        await one();

        clock.advance(present(await queue.nextDueIn('work')));
        expect(await queue.nextDueIn('work')).toBe(0);
        expect((await one()).attempts).toBe(2);
      });

      it('comes with a reserve that found nothing due', async () => {
        await queue.enqueue([{ queue: 'work', payload: 'later', delayMs: 5_000 }]);
        clock.advance(2_000);
        expect(await queue.reserve('work', 10, LEASE)).toEqual({ jobs: [], nextDueIn: 3_000 });
        expect(await queue.reserve('other', 10, LEASE)).toEqual({ jobs: [], nextDueIn: null });
        expect(await queue.counts()).toEqual({ ready: 1, leased: 0, dead: 0 });
      });

      it('ignores dead jobs', async () => {
        await queue.enqueue([{ queue: 'work', payload: 'x', maxAttempts: 1 }]);
        await queue.fail(await one(), new Error('x'));
        expect(await queue.nextDueIn('work')).toBeNull();
      });
    });

    describe('enqueue within a transaction', () => {
      const transaction = (skip: (note?: string) => never): NonNullable<QueueFixture<Tx>['transaction']> =>
        fx.transaction ?? skip(`${name} has no transactions`);

      it('keeps the jobs when the transaction commits', async ({ skip }) => {
        await transaction(skip)(async (tx) => {
          expect(await queue.enqueue([{ queue: 'work', payload: 'committed' }], tx)).toBe(1);
        });
        expect((await one()).payload).toBe('committed');
      });

      it('leaves no job when the transaction rolls back', async ({ skip }) => {
        await expect(
          transaction(skip)(async (tx) => {
            expect(await queue.enqueue([{ queue: 'work', payload: 'rolled back', key: 'k' }], tx)).toBe(1);
            throw new Rollback('event claim failed');
          }),
        ).rejects.toThrow(Rollback);

        expect(await queue.counts()).toEqual({ ready: 0, leased: 0, dead: 0 });
        expect(await queue.reserve('work', 10, LEASE)).toEqual({ jobs: [], nextDueIn: null });
        // The key was never taken either.
        expect(await queue.enqueue([{ queue: 'work', payload: 'again', key: 'k' }])).toBe(1);
      });
    });

    describe('ack within a transaction', () => {
      const transaction = (skip: (note?: string) => never): NonNullable<QueueFixture<Tx>['transaction']> =>
        fx.transaction ?? skip(`${name} has no transactions`);

      it('removes the job when the transaction commits', async ({ skip }) => {
        await queue.enqueue([{ queue: 'work', payload: 'done' }]);
        const job = await one();
        await transaction(skip)(async (tx) => {
          await queue.ack(job, tx);
        });
        expect(await queue.counts()).toEqual({ ready: 0, leased: 0, dead: 0 });
      });

      it('keeps the job leased when the transaction rolls back, due again once the lease ends', async ({ skip }) => {
        await queue.enqueue([{ queue: 'work', payload: 'kept' }]);
        const job = await one();
        await expect(
          transaction(skip)(async (tx) => {
            await queue.ack(job, tx);
            throw new Rollback('recording the outcome failed');
          }),
        ).rejects.toThrow(Rollback);
        expect(await queue.counts()).toEqual({ ready: 0, leased: 1, dead: 0 });
        clock.advance(LEASE);
        expect((await lease('work', 10)).map((j) => [j.payload, j.attempts])).toEqual([['kept', 2]]);
      });
    });
  });
}
