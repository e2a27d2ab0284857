// The small job-queue interface every backend implements: enqueue, reserve with a lease, ack,
// fail (retry with backoff or dead-letter), and the operations people use on dead letters.

export interface JobSpec {
  queue: string;
  payload: unknown;
  /** Idempotency key: a second job with the same key is silently not enqueued. */
  key?: string | null;
  maxAttempts?: number;
  /** Run no earlier than this many milliseconds from now. */
  delayMs?: number;
}

export interface Job<P = unknown> {
  id: number;
  queue: string;
  key: string | null;
  payload: P;
  /** Attempts so far, this one included (a reserved job has attempts ≥ 1). */
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  createdAt: number;
  runAt: number;
}

export type JobState = 'ready' | 'leased' | 'dead';

export interface FailOutcome {
  outcome: 'retry' | 'dead';
  /** When the job becomes due again (retry only). */
  runAt: number | null;
}

/**
 * What a reserve leased. When no job of the queue was due it also says how long until one is (what nextDueIn
 * would answer), so an idle poll needs one query. After leasing, or finding due jobs it could not lease, that
 * is unknown: ask nextDueIn.
 */
export type Reservation = { jobs: Job[] } | { jobs: []; nextDueIn: number | null };

export interface Queue<Tx = unknown> {
  /** Enqueues jobs; with `within`, inside the caller's database transaction. Returns how many were new. */
  enqueue(specs: readonly JobSpec[], within?: Tx): Promise<number>;
  /** Leases up to `limit` due jobs of a queue for `leaseMs`; an expired lease makes a job due again. */
  reserve(queue: string, limit: number, leaseMs: number): Promise<Reservation>;
  /** The job is done; it leaves the queue. With `within`, inside the caller's transaction (with its outcome). */
  ack(job: Job, within?: Tx): Promise<void>;
  /**
   * The attempt failed: retry later with backoff (or after `delayMs` when the failure says when, like a
   * Retry-After), or dead-letter once attempts are used up or when `dead` is set (a permanent failure).
   */
  fail(job: Job, error: unknown, options?: { delayMs?: number; dead?: boolean }): Promise<FailOutcome>;
  listDead(options?: { queue?: string; limit?: number }): Promise<Job[]>;
  /** Makes dead jobs due again with fresh attempts. Returns how many were replayed. */
  replay(target: { ids: readonly number[] } | { allDead: true }): Promise<number>;
  counts(): Promise<Record<JobState, number>>;
  /** Milliseconds until the next job of a queue is due (0 = now, null = nothing queued). */
  nextDueIn(queue: string): Promise<number | null>;
}

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 60 * 60 * 1_000 };

/**
 * Exponential backoff with jitter: the n-th retry waits a random time in [½·d, d] where
 * d = min(max, base · 2^(n-1)). Half is kept so a retry never comes back at once.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export class QueueError extends Error {
  override readonly name = 'QueueError';
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
