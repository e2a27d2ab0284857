// The loop that keeps the inbox dispatched: drain, then sleep until woken (a body was committed) or the poll
// interval passes (bodies another process committed, rows left pending by a failed drain). Runs in the
// gateway (one thread) or in the ingest thread.
import type { Logger } from '../log/index.js';

export class DispatchLoop {
  private running = false;
  private requested = false;
  private wakeUp: (() => void) | null = null;
  private loop: Promise<void> | null = null;

  constructor(
    private readonly drain: () => Promise<unknown>,
    private readonly pollMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Asks for another drain as soon as the current one (if any) is done. */
  wake(): void {
    this.requested = true;
    const wakeUp = this.wakeUp;
    this.wakeUp = null;
    wakeUp?.();
  }

  /** Lets the current drain finish; no new one starts. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
  }

  /** Stopping, or woken while the last drain ran (fields change across awaits). */
  private drainAgainNow(): boolean {
    return !this.running || this.requested;
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.requested = false;
      try {
        await this.drain();
      } catch (error) {
        this.logger.error({ err: error }, 'dispatch failed; the inbox rows stay pending and are retried');
      }
      if (this.drainAgainNow()) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.pollMs);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }
}
