// When a failed Graph call may be tried again, and how long to wait first. Pure: the client feeds
// it the typed error of an attempt and injects the random source.
//
// Idempotent calls (GET, DELETE) retry on anything that may pass: network errors, timeouts, 429,
// 5xx and transient Graph errors. A POST (a message send above all) retries only when the failure
// proves Meta did not accept it — rate limited, or a connection that failed before sending — because
// retrying anything else could deliver the same message twice.

import { GraphApiError } from '../protocol/graph-errors/index.js';
import { GraphNetworkError, GraphTimeoutError } from './errors.js';

export interface RetryPolicy {
  maxRetries: number;
  /** First backoff step; doubles per retry. */
  baseDelayMs: number;
  /** Cap on one backoff delay. */
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the error is surfaced with its retryAfterMs. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 4,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
};

/** Whether this failure may be retried at all, ignoring the attempt budget. */
export function isRetryable(error: unknown, idempotent: boolean): boolean {
  if (error instanceof GraphApiError) {
    if (error.retrySafe || error.httpStatus === 429) return true;
    return idempotent && (error.httpStatus >= 500 || error.transient);
  }
  if (error instanceof GraphNetworkError) return idempotent || error.beforeSend;
  if (error instanceof GraphTimeoutError) return idempotent;
  return false;
}

/**
 * Milliseconds to wait before retry number `retryIndex` (0 for the first retry), or null to stop.
 * Retry-After wins over the backoff; otherwise exponential backoff with equal jitter: half the step
 * is fixed, half random, so a rate-limited caller always backs off a little.
 */
export function retryDelayMs(
  error: unknown,
  retryIndex: number,
  policy: RetryPolicy,
  random: () => number,
): number | null {
  const retryAfterMs = error instanceof GraphApiError ? error.retryAfterMs : null;
  if (retryAfterMs !== null) return retryAfterMs <= policy.maxRetryAfterMs ? retryAfterMs : null;
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retryIndex);
  const jitter = Math.min(Math.max(random(), 0), 1);
  return Math.round(step / 2 + (step / 2) * jitter);
}

/** The full decision for one failed attempt. */
export function nextRetryDelay(
  error: unknown,
  options: { idempotent: boolean; retryIndex: number; policy: RetryPolicy; random: () => number },
): number | null {
  if (options.retryIndex >= options.policy.maxRetries) return null;
  if (!isRetryable(error, options.idempotent)) return null;
  return retryDelayMs(error, options.retryIndex, options.policy, options.random);
}
