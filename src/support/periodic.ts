// Background work on a jittered timer: one run at a time (a run asked for while one is going joins it),
// the next run scheduled when one ends, the timer never keeping the process alive, and stop() waiting for
// a run in progress. The key scheduler uses it, and the retention sweeps through PeriodicSweep.

export interface PeriodicOptions<T> {
  run: () => Promise<T>;
  /** Delay before the next run (before ±10 % jitter); `first` for the one after start(). */
  delayMs: (first: boolean) => number;
  onError: (error: unknown) => void;
  random?: () => number;
}

export class Periodic<T> {
  readonly #o: PeriodicOptions<T>;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<T> | null = null;

  constructor(options: PeriodicOptions<T>) {
    this.#o = options;
  }

  start(): void {
    if (this.#timer !== null) return;
    const schedule = (first: boolean): void => {
      const jitter = 0.9 + 0.2 * (this.#o.random ?? Math.random)();
      this.#timer = setTimeout(
        () => {
          void this.runNow()
            .catch(this.#o.onError)
            .finally(() => {
              if (this.#timer !== null) schedule(false);
            });
        },
        this.#o.delayMs(first) * jitter,
      );
      this.#timer.unref();
    };
    schedule(true);
  }

  /** Stops the timer and waits for a run in progress (its failure is not thrown here). */
  async stop(): Promise<void> {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#running?.catch(() => undefined);
  }

  /** One run now, or the one already going. */
  runNow(): Promise<T> {
    this.#running ??= this.#o.run().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }
}

/**
 * A sweep every `intervalMs` (default 15 minutes, ±10 % jitter) once started, or one at once with sweep().
 * The flow media and app draft retention sweeps are these; a subclass gives the run.
 */
export abstract class PeriodicSweep<T> {
  readonly #periodic: Periodic<T>;

  constructor(options: { intervalMs?: number; random?: () => number }, onError: (error: unknown) => void) {
    this.#periodic = new Periodic({
      run: () => this.run(),
      delayMs: () => options.intervalMs ?? 900_000,
      onError,
      ...(options.random === undefined ? {} : { random: options.random }),
    });
  }

  start(): void {
    this.#periodic.start();
  }

  stop(): Promise<void> {
    return this.#periodic.stop();
  }

  /** One sweep now (or the one going); resolves to what it did. */
  sweep(): Promise<T> {
    return this.#periodic.runNow();
  }

  protected abstract run(): Promise<T>;
}
