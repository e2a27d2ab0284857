// Scheduled key work: every few minutes one process (the holder of the `key-rotation` lease row,
// claimed atomically with an expiry) retires keys past their grace window and, when
// FLOWGATE_KEY_ROTATION_DAYS is set, rotates active keys older than that. A scheduled rotation that fails
// is tried again after a backoff that grows ×4 from 15 minutes (jittered, at most a day), and after
// MAX_SCHEDULED_ROTATION_FAILURES failures since the key became active it is not tried again until a
// person rotates or uploads (the failures are read from the audit log, so restarts do not reset them).
// A retry rotates to the pending key the scheduler's own last failed try left, while it is still
// pending, instead of generating another: five failures leave one spare sealed private key, not five,
// and a key Graph may still hold (a try whose undo failed) is the one uploaded again. A person's pending
// keys (generated, imported, or left by their own `flowgate keys rotate`) are never taken: theirs to upload.

import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Logger } from '../log/index.js';
import type { KeysRepository } from '../store/keys.js';
import type { KeyRing } from './key-ring.js';
import { Periodic } from '../support/periodic.js';

export const ROTATION_LEASE = 'key-rotation';
const ACTOR = 'scheduler';
export const MAX_SCHEDULED_ROTATION_FAILURES = 5;
const RETRY_BASE_MS = 15 * 60_000;
const RETRY_MAX_MS = 24 * 3_600_000;

export interface KeySchedulerOptions {
  ring: KeyRing;
  keys: KeysRepository;
  /** Rotate active keys older than this many days; null: only retire keys past their grace. */
  rotationDays: number | null;
  now?: () => number;
  random?: () => number;
  logger?: Logger;
  /** Between ticks, ±10 % jitter. Default 5 minutes. */
  intervalMs?: number;
  /** How long a claimed lease lasts; a crashed holder is replaced after it. Default 15 minutes. */
  leaseMs?: number;
  /** Identifies this process in the lease row. */
  holder?: string;
}

export interface TickResult {
  /** This process held the lease and did the work. */
  leader: boolean;
  retired: number;
  rotated: string[];
  failed: string[];
  /** Active keys due for rotation that were not tried: backing off after a failure, or given up on. */
  held: string[];
}

export class KeyScheduler {
  readonly holder: string;
  readonly #o: KeySchedulerOptions;
  readonly #now: () => number;
  readonly #periodic: Periodic<TickResult>;

  constructor(options: KeySchedulerOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.holder = options.holder ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    const interval = options.intervalMs ?? 300_000;
    this.#periodic = new Periodic({
      run: () => this.#tick(),
      // The first round comes soon after start, so a process that restarts often still does the work.
      delayMs: (first) => (first ? Math.min(10_000, interval) : interval),
      onError: (error) => options.logger?.error({ err: String(error) }, 'key scheduler tick failed'),
      ...(options.random === undefined ? {} : { random: options.random }),
    });
  }

  start(): void {
    this.#periodic.start();
  }

  async stop(): Promise<void> {
    await this.#periodic.stop();
    await this.#o.keys.releaseLease(ROTATION_LEASE, this.holder);
  }

  /** One round: claim the lease, retire keys past grace, rotate keys due for rotation. */
  tick(): Promise<TickResult> {
    return this.#periodic.runNow();
  }

  async #tick(): Promise<TickResult> {
    const now = this.#now();
    const result: TickResult = { leader: false, retired: 0, rotated: [], failed: [], held: [] };
    const leased = await this.#o.keys.claimLease(ROTATION_LEASE, this.holder, now, now + (this.#o.leaseMs ?? 900_000));
    if (!leased) return result;
    result.leader = true;
    result.retired = await this.#o.ring.sweep({ actor: ACTOR });
    const days = this.#o.rotationDays;
    if (days === null) return result;
    const dueBefore = now - days * 86_400_000;
    for (const phoneNumberId of await this.#o.keys.phoneNumbers()) {
      const [active] = await this.#o.keys.inStates(phoneNumberId, ['active']);
      if (active?.activated_at == null || active.activated_at > dueBefore) continue;
      if (!(await this.#mayTry(phoneNumberId, active.activated_at, now))) {
        result.held.push(active.id);
        continue;
      }
      try {
        // Key rows do not say who made them; the audit log does. The newest failed scheduled rotate
        // since this key became active names the key that try used — the same entries the failure
        // count reads, so the retry and its backoff agree, and only the scheduler's own key matches.
        const reuse = await this.#o.keys.lastFailedKey(phoneNumberId, 'rotate', ACTOR, active.activated_at);
        const rotated = await this.#o.ring.rotate(phoneNumberId, {
          actor: ACTOR,
          ...(reuse === null ? {} : { reuse }),
        });
        result.rotated.push(rotated.key.id);
        this.#o.logger?.info(
          { keyId: rotated.key.id, fingerprint: rotated.key.fingerprint },
          'business key rotated on schedule',
        );
      } catch (error) {
        result.failed.push(active.id);
        const { count } = await this.#o.keys.failuresSince(phoneNumberId, 'rotate', ACTOR, active.activated_at);
        this.#o.logger?.error(
          { keyId: active.id, code: (error as { code?: unknown }).code, failures: count },
          count >= MAX_SCHEDULED_ROTATION_FAILURES
            ? 'scheduled key rotation failed again; no more scheduled tries until a person rotates or uploads'
            : 'scheduled key rotation failed; the current key stays active',
        );
      }
    }
    return result;
  }

  /** Whether a due rotation may be tried now: not past the failure cap, and out of its backoff. */
  async #mayTry(phoneNumberId: string, activatedAt: number, now: number): Promise<boolean> {
    const { count, lastAt } = await this.#o.keys.failuresSince(phoneNumberId, 'rotate', ACTOR, activatedAt);
    if (count === 0 || lastAt === null) return true;
    if (count >= MAX_SCHEDULED_ROTATION_FAILURES) return false;
    const jitter = 0.9 + 0.2 * (this.#o.random ?? Math.random)();
    return now >= lastAt + Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 4 ** (count - 1)) * jitter;
  }
}
