import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../log/index.js';
import { DispatchLoop, type DispatchLoopOptions } from './dispatch-loop.js';

const logger = createLogger({ level: 'silent' });

/** Lets the loop's promise chain run (no timers advance). */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

afterEach(() => {
  vi.useRealTimers();
});

/** A loop whose drain only counts its calls. */
function countingLoop(options: DispatchLoopOptions): { loop: DispatchLoop; drains: () => number } {
  let drains = 0;
  const loop = new DispatchLoop(
    () => {
      drains++;
      return Promise.resolve();
    },
    options,
    logger,
  );
  return { loop, drains: () => drains };
}

describe('DispatchLoop', () => {
  it('waits up to lingerMs after a wake, and drains at once when a full batch was committed', async () => {
    vi.useFakeTimers();
    const { loop, drains } = countingLoop({ pollMs: 10_000, lingerMs: 20, fullBatch: 5 });
    loop.start();
    await settle();
    expect(drains()).toBe(1); // the first drain, at start

    loop.wake(2);
    await settle();
    await vi.advanceTimersByTimeAsync(19);
    expect(drains()).toBe(1); // two bodies: lingering for more
    await vi.advanceTimersByTimeAsync(1);
    expect(drains()).toBe(2); // the linger ran out

    loop.wake(3);
    await settle();
    expect(drains()).toBe(2);
    loop.wake(2); // five since the last drain: a full batch
    await vi.advanceTimersByTimeAsync(0);
    expect(drains()).toBe(3);

    await vi.advanceTimersByTimeAsync(10_000);
    expect(drains()).toBe(4); // the poll interval, with no wake

    const stopped = loop.stop();
    await vi.advanceTimersByTimeAsync(0);
    await stopped;
    loop.wake(10);
    await vi.advanceTimersByTimeAsync(100);
    expect(drains()).toBe(4);
  });

  it('without lingerMs, a wake drains at once', async () => {
    vi.useFakeTimers();
    const { loop, drains } = countingLoop({ pollMs: 10_000 });
    loop.start();
    await settle();
    loop.wake();
    await vi.advanceTimersByTimeAsync(0);
    expect(drains()).toBe(2);
    const stopped = loop.stop();
    await vi.advanceTimersByTimeAsync(0);
    await stopped;
  });
});
