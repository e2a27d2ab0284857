// The sliding-window limiter never lets more than `rate` sends into any window, however callers arrive.
import { describe, expect, it, vi } from 'vitest';
import { SlidingWindowLimiter } from './rate-limiter.js';

function fakeClock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

/** The largest number of sends inside any window of `windowMs` (a window [t, t + windowMs)). */
function maxInWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while ((sorted[end] ?? 0) - (sorted[start] ?? 0) >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

describe('SlidingWindowLimiter', () => {
  it('lets a burst up to the rate through at once, then spaces the rest a window later', () => {
    const clock = fakeClock();
    const limiter = new SlidingWindowLimiter({ rate: 80, now: clock.now });
    const waits = Array.from({ length: 200 }, () => limiter.reserve('pn'));
    expect(waits.slice(0, 80).every((w) => w === 0)).toBe(true);
    expect(waits.slice(80, 160).every((w) => w === 1_000)).toBe(true);
    expect(waits.slice(160).every((w) => w === 2_000)).toBe(true);
  });

  it('never exceeds the rate in any window under random arrivals, and keeps numbers independent', () => {
    const clock = fakeClock();
    const limiter = new SlidingWindowLimiter({ rate: 10, windowMs: 1_000, now: clock.now });
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const sends: Record<string, number[]> = { a: [], b: [] };
    for (let i = 0; i < 2_000; i++) {
      clock.advance(Math.floor(random() * 120));
      const key = random() < 0.7 ? 'a' : 'b';
      sends[key]!.push(clock.now() + limiter.reserve(key));
    }
    expect(maxInWindow(sends.a!, 1_000)).toBeLessThanOrEqual(10);
    expect(maxInWindow(sends.b!, 1_000)).toBeLessThanOrEqual(10);
    // It is a limiter, not a brake: with enough demand the full rate is used.
    expect(maxInWindow(sends.a!, 1_000)).toBe(10);
  });

  it('rejects a rate that is not positive', () => {
    expect(() => new SlidingWindowLimiter({ rate: 0 })).toThrow(RangeError);
  });

  it('waits through the injected sleep', async () => {
    const clock = fakeClock();
    const slept: number[] = [];
    const limiter = new SlidingWindowLimiter({
      rate: 1,
      now: clock.now,
      sleep: (ms) => {
        slept.push(ms);
        clock.advance(ms); // as a real sleep would
        return Promise.resolve();
      },
    });
    const nothing = (): Promise<void> => Promise.resolve();
    await limiter.run('pn', nothing);
    await limiter.run('pn', nothing);
    expect(slept).toEqual([1_000]);
  });

  it('records the moment a late caller really went, so the window holds for real start times', async () => {
    const clock = fakeClock();
    // A sleep that overshoots: the timer fires 300 ms later than asked for (a busy machine).
    const limiter = new SlidingWindowLimiter({
      rate: 2,
      now: clock.now,
      sleep: (ms) => {
        clock.advance(ms + 300);
        return Promise.resolve();
      },
    });
    const starts: number[] = [];
    const go = (): Promise<void> =>
      limiter.run('pn', () => {
        starts.push(clock.now());
        return Promise.resolve();
      });
    await Promise.all(Array.from({ length: 7 }, go));
    expect(starts).toHaveLength(7);
    expect(maxInWindow(starts, 1_000)).toBeLessThanOrEqual(2);
  });

  /** 40 sends at rate 4 with a seeded clock jitter (ms) of other work: where it strikes depends on `where`. */
  async function jitteredSends(
    how: 'slot, then send' | 'run',
    where: 'between microtasks' | 'before the request leaves',
  ): Promise<number[]> {
    const clock = fakeClock();
    let seed = 7;
    const jitter = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % 40;
    };
    const limiter = new SlidingWindowLimiter({
      rate: 4,
      now: clock.now,
      sleep: (ms) => {
        clock.advance(ms);
        return Promise.resolve();
      },
    });
    const busy = { on: where === 'between microtasks' };
    const otherWork = (async () => {
      while (busy.on) {
        clock.advance(jitter());
        await Promise.resolve();
      }
    })();
    const sentAt: number[] = [];
    const send = (): Promise<void> => {
      if (where === 'before the request leaves') clock.advance(jitter()); // a pause inside the send's first step
      sentAt.push(clock.now()); // what the Graph client's fetch would see
      return Promise.resolve();
    };
    await Promise.all(
      Array.from({ length: 40 }, async () => {
        if (how === 'run') {
          await limiter.run('pn', send);
        } else {
          // The slot taken with nothing in it, the request sent after the turn.
          await limiter.run('pn', () => Promise.resolve());
          await send();
        }
      }),
    );
    busy.on = false;
    await otherWork;
    expect(sentAt).toHaveLength(40);
    return sentAt;
  }

  it('starts each send in the step that takes its slot, so uneven event-loop work cannot bunch sends', async () => {
    // Taking a slot and then sending lets more than the rate leave within a window under this jitter...
    expect(maxInWindow(await jitteredSends('slot, then send', 'between microtasks'), 1_000)).toBeGreaterThan(4);
    // ...sending inside the slot's step never does.
    expect(maxInWindow(await jitteredSends('run', 'between microtasks'), 1_000)).toBeLessThanOrEqual(4);
  });

  it('dates a slot after its send has started, so a pause before the request leaves only moves it later', async () => {
    expect(maxInWindow(await jitteredSends('run', 'before the request leaves'), 1_000)).toBeLessThanOrEqual(4);
  });

  it('gives the next caller its turn while a send is still in flight', async () => {
    const clock = fakeClock();
    const limiter = new SlidingWindowLimiter({ rate: 2, now: clock.now });
    const started: number[] = [];
    const release: (() => void)[] = [];
    const send = (n: number) => (): Promise<void> => {
      started.push(n);
      return new Promise((resolve) => release.push(resolve));
    };
    const first = limiter.run('pn', send(1));
    const second = limiter.run('pn', send(2));
    await vi.waitFor(() => {
      expect(started).toEqual([1, 2]);
    });
    for (const r of release) r();
    await Promise.all([first, second]);
  });
});
