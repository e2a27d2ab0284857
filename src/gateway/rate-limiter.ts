// Per-phone-number send limiter. Meta counts throughput per business number (80 messages/s by default,
// SPEC D.4). A sliding-window log keeps the last `rate` send times, so no window of `windowMs` ever holds
// more than `rate` sends — a token bucket would allow twice the rate across a window boundary.

export interface RateLimiterOptions {
  /** Sends allowed per window. */
  rate: number;
  windowMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export class SlidingWindowLimiter {
  private readonly windowMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  /** Per key: the reserved send times of the most recent `rate` sends, oldest first. */
  private readonly slots = new Map<string, number[]>();

  constructor(private readonly options: RateLimiterOptions) {
    if (!Number.isFinite(options.rate) || options.rate <= 0) throw new RangeError('rate must be a positive number');
    this.windowMs = options.windowMs ?? 1_000;
    // Monotonic and sub-millisecond: slot times are only compared with each other.
    this.now = options.now ?? (() => performance.now());
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Per key: the caller whose turn is last, so that callers for one key take turns. */
  private readonly turns = new Map<string, Promise<void>>();

  /**
   * Reserves the next free slot for `key`, waits until it comes, then calls `send` in the same synchronous
   * step that records the slot's time (just after `send` returned), and returns what it returns. Callers for
   * one key take turns, and each slot records the moment its send really started (a timer that fired late
   * moves it later), so the window holds for the real start times, not only for the planned ones. A request
   * that `send` starts before its first await (the Graph client calls fetch that way) has left by the
   * recorded moment. Sending after the turn instead would leave a few microtask hops later, after whatever
   * other work the event loop had queued; those gaps differ from send to send, and sends a window apart by
   * the limiter's times could then leave closer together.
   */
  async run<T>(key: string, send: () => Promise<T>): Promise<T> {
    const previous = this.turns.get(key) ?? Promise.resolve();
    let done: () => void = () => undefined;
    const mine = new Promise<void>((resolve) => {
      done = resolve;
    });
    this.turns.set(key, mine);
    await previous;
    let sending: Promise<T>;
    try {
      const at = this.now() + this.reserve(key);
      for (let now = this.now(); now < at; now = this.now()) await this.sleep(at - now);
      const times = this.slots.get(key);
      // The slot's time is read after `send` started: a pause in between (a garbage collection, the thread
      // losing its core) then moves the slot later, never earlier than the request really left.
      sending = send();
      if (times !== undefined && times.length > 0) times[times.length - 1] = Math.max(at, this.now());
    } finally {
      // The next caller's turn starts now, while this request is still in flight.
      if (this.turns.get(key) === mine) this.turns.delete(key);
      done();
    }
    return sending;
  }

  /** Reserves a slot synchronously (so concurrent callers never share one) and says how long to wait for it. */
  reserve(key: string): number {
    const now = this.now();
    let times = this.slots.get(key);
    if (times === undefined) {
      times = [];
      this.slots.set(key, times);
    }
    const rate = Math.floor(this.options.rate);
    let at = now;
    if (times.length >= rate) {
      const oldest = times[times.length - rate] ?? now;
      at = Math.max(now, oldest + this.windowMs);
    }
    times.push(at);
    if (times.length > rate) times.splice(0, times.length - rate);
    return at - now;
  }
}
