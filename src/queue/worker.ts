// A job worker: leases due jobs of one queue, runs them with bounded concurrency, acks or fails them, and
// sleeps until woken or until the next job is due (with a poll ceiling, so jobs written by other processes
// and expired leases are picked up too). With a backlog it leases in batches (each reserve is a commit), and
// a processor may remove its job in its own transaction (JobContext.ackWithin) to save the ack's commit.
import type { Job, Queue, Reservation } from './types.js';
import type { Logger } from '../log/index.js';

/** What a processor may do with its job besides resolving or throwing. */
export interface JobContext {
  /**
   * Removes the job inside the processor's own transaction `within` (so the work's writes and the ack are
   * one commit); the worker then does not ack it again. Only from a transaction whose failure the processor
   * rethrows: a rolled-back ack must end in the worker's fail path.
   */
  ackWithin(within: unknown): Promise<void>;
}

export interface WorkerOptions {
  queue: Queue;
  name: string;
  process: (job: Job, context: JobContext) => Promise<void>;
  logger: Logger;
  concurrency?: number;
  leaseMs?: number;
  pollMs?: number;
  onOutcome?: (outcome: 'done' | 'retry' | 'dead') => void;
}

export class JobWorker {
  private running = false;
  private inFlight = 0;
  private wakeUp: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private readonly idle = new Set<() => void>();
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  /** With a backlog and jobs in flight, reserve only once this many slots are free (one commit per batch). */
  private readonly batch: number;
  /** The last reserve filled every free slot: more jobs are probably due. */
  private backlog = false;

  constructor(private readonly options: WorkerOptions) {
    this.concurrency = options.concurrency ?? 8;
    this.batch = Math.max(1, Math.floor(this.concurrency / 4));
    this.leaseMs = options.leaseMs ?? 60_000;
    this.pollMs = options.pollMs ?? 1_000;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops leasing new jobs and waits for the jobs in flight. */
  async stop(): Promise<void> {
    this.running = false;
    this.notify();
    await this.loop;
    while (this.inFlight > 0) await new Promise<void>((resolve) => this.idle.add(resolve));
  }

  notify(): void {
    const wake = this.wakeUp;
    this.wakeUp = null;
    wake?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      const free = this.concurrency - this.inFlight;
      if (free > 0 && this.backlog && this.inFlight > 0 && free < this.batch) {
        // A job ending notifies: wait for enough free slots to lease a batch in one commit.
        await this.sleep(this.pollMs);
        continue;
      }
      let reservation: Reservation | null = null;
      if (free > 0) {
        try {
          reservation = await this.options.queue.reserve(this.options.name, free, this.leaseMs);
        } catch (error) {
          this.options.logger.error({ err: error, queue: this.options.name }, 'could not reserve jobs');
        }
        this.backlog = reservation?.jobs.length === free;
      }
      const jobs = reservation?.jobs ?? [];
      for (const job of jobs) this.execute(job);
      if (jobs.length === free && free > 0) continue;
      await this.sleep(await this.waitTime(reservation));
    }
  }

  /** How long to sleep after a reserve that left slots free; `null`: none ran (no free slot) or it failed. */
  private async waitTime(reservation: Reservation | null): Promise<number> {
    if (reservation === null) return this.pollMs;
    try {
      // An idle reserve has read when the next job is due; after leasing, only a fresh read knows.
      const due =
        'nextDueIn' in reservation ? reservation.nextDueIn : await this.options.queue.nextDueIn(this.options.name);
      return due === null ? this.pollMs : Math.min(this.pollMs, Math.max(due, 1));
    } catch {
      return this.pollMs;
    }
  }

  private sleep(ms: number): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wakeUp = null;
        resolve();
      }, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private execute(job: Job): void {
    this.inFlight++;
    let acked = false;
    const context: JobContext = {
      ackWithin: async (within) => {
        await this.options.queue.ack(job, within);
        acked = true;
      },
    };
    void this.options
      .process(job, context)
      .then(
        async () => {
          if (!acked) await this.options.queue.ack(job);
          this.options.onOutcome?.('done');
        },
        async (error: unknown) => {
          const { outcome } = await this.options.queue.fail(job, error, retryHints(error));
          this.options.onOutcome?.(outcome);
          const log = { queue: job.queue, jobId: job.id, attempt: job.attempts, err: error };
          if (outcome === 'dead') this.options.logger.error(log, 'job dead-lettered after its last attempt');
          else this.options.logger.warn(log, 'job failed, will retry');
        },
      )
      .catch((error: unknown) => {
        this.options.logger.error({ err: error, queue: job.queue, jobId: job.id }, 'could not record job outcome');
      })
      .finally(() => {
        this.inFlight--;
        this.notify();
        if (this.inFlight === 0) for (const resolve of this.idle) resolve();
        if (this.inFlight === 0) this.idle.clear();
      });
  }
}

/**
 * A processor's error may say when to retry (`retryAfterMs`, e.g. from Retry-After) or that retrying is
 * pointless (`permanent: true`, e.g. Meta refused the message for good).
 */
function retryHints(error: unknown): { delayMs?: number; dead?: boolean } {
  if (typeof error !== 'object' || error === null) return {};
  const { retryAfterMs, permanent } = error as { retryAfterMs?: unknown; permanent?: unknown };
  return {
    ...(typeof retryAfterMs === 'number' && Number.isFinite(retryAfterMs) ? { delayMs: retryAfterMs } : {}),
    ...(permanent === true ? { dead: true } : {}),
  };
}
