// A counting semaphore: at most `limit` holders at once, the rest wait in arrival order. A wait may be given
// up (an AbortSignal): the waiter leaves the line without ever holding a place.

export class Semaphore {
  #free: number;
  readonly #waiting: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new TypeError('limit must be a whole number of at least 1');
    this.#free = limit;
  }

  /** Places held now. */
  get held(): number {
    return this.limit - this.#free;
  }

  /** Waiters in line now. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /**
   * Runs `work` once a place is free, and frees it when `work` settles. When `signal` aborts before a place
   * comes, `work` never runs and the call rejects with the signal's reason; once `work` runs, the signal is
   * `work`'s to heed.
   */
  async run<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted === true) throw abortError(signal);
    if (this.#free > 0) this.#free -= 1;
    else await this.#wait(signal);
    try {
      return await work();
    } finally {
      const next = this.#waiting.shift();
      if (next === undefined) this.#free += 1;
      else next();
    }
  }

  /** Resolves when a releasing holder hands this waiter its place; rejects (out of line) on abort. */
  #wait(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const handOver = (): void => {
        signal?.removeEventListener('abort', giveUp);
        resolve();
      };
      const giveUp = (): void => {
        const at = this.#waiting.indexOf(handOver);
        if (at !== -1) this.#waiting.splice(at, 1);
        reject(abortError(signal));
      };
      this.#waiting.push(handOver);
      signal?.addEventListener('abort', giveUp, { once: true });
    });
  }
}

/** The signal's reason as an Error (abort() may be given anything). */
function abortError(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new Error(`the wait was given up (${String(reason)})`);
}
