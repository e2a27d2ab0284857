// The loop that keeps the inbox dispatched: drain, then sleep until woken (a body was committed) or the poll
// interval passes (bodies another process committed, rows left pending by a failed drain). Runs in the
// gateway (one thread) or in the dispatch thread.
//
// With `lingerMs`, a wake does not start a drain at once: the loop waits until `fullBatch` bodies were
// committed or `lingerMs` passed. A drain has a fixed cost (the pending query, a commit that rewrites every
// index page it touched), so at a steady trickle one drain of twenty bodies costs far less than twenty
// drains of one; handlers start at most `lingerMs` later.
import type { Logger } from '../log/index.js';

export interface DispatchLoopOptions {
  pollMs: number;
  /** How long a wake may wait for more bodies before draining (0: drain at once). */
  lingerMs?: number;
  /** Bodies committed since the last drain that start the next one without waiting out `lingerMs`. */
  fullBatch?: number;
}

export class DispatchLoop {
  private running = false;
  /** Bodies committed since the last drain began (a wake with none still asks for a drain). */
  private woken = 0;
  private wakeUp: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private readonly pollMs: number;
  private readonly lingerMs: number;
  private readonly fullBatch: number;

  constructor(
    private readonly drain: () => Promise<unknown>,
    options: DispatchLoopOptions,
    private readonly logger: Logger,
  ) {
    this.pollMs = options.pollMs;
    this.lingerMs = options.lingerMs ?? 0;
    this.fullBatch = options.fullBatch ?? 1;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** `count` bodies were committed: asks for a drain once the current one (if any) is done. */
  wake(count = 1): void {
    this.woken += Math.max(1, count);
    this.wakeUp?.();
  }

  /** Lets the current drain finish; no new one starts. */
  async stop(): Promise<void> {
    this.running = false;
    this.wakeUp?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.woken = 0;
      try {
        await this.drain();
      } catch (error) {
        this.logger.error({ err: error }, 'dispatch failed; the inbox rows stay pending and are retried');
      }
      if (!this.wasRequested()) await this.waitUntil(this.pollMs, () => this.wasRequested());
      if (this.wasRequested() && this.lingerMs > 0) {
        await this.waitUntil(this.lingerMs, () => this.woken >= this.fullBatch);
      }
    }
  }

  /** Woken since the last drain began (a method: the field changes across awaits, as wake() runs). */
  private wasRequested(): boolean {
    return this.woken > 0;
  }

  /** Sleeps for `ms`, or less: until stopped or until a wake makes `done` true. */
  private waitUntil(ms: number, done: () => boolean): Promise<void> {
    if (!this.running || done()) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.wakeUp = null;
        resolve();
      };
      const timer = setTimeout(finish, ms);
      this.wakeUp = () => {
        if (!this.running || done()) finish();
      };
    });
  }
}
