// The contention gauge over a scripted runqueue-wait counter, the pacer it drives, and (on Linux) the real
// counter of the main thread growing when more threads want the cores than there are.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { ContentionGauge, contentionPacer, mainThreadWaitNs, parseSchedstatWait } from './contention.js';

/** A gauge whose clock and wait counter the test moves: `step(ms, waitMs)` lets `ms` pass, `waitMs` of it queued. */
function scripted(options: { sampleMs?: number } = {}): {
  gauge: ContentionGauge;
  step: (ms: number, waitMs: number) => boolean;
  reads: () => number;
} {
  let now = 0;
  let waitNs = 0;
  let reads = 0;
  const gauge = new ContentionGauge({
    now: () => now,
    readWaitNs: () => {
      reads++;
      return waitNs;
    },
    sampleMs: options.sampleMs ?? 50,
  });
  gauge.contended(); // the first reading only sets the baseline
  return {
    gauge,
    step: (ms, waitMs) => {
      now += ms;
      waitNs += waitMs * 1e6;
      return gauge.contended();
    },
    reads: () => reads,
  };
}

describe('parseSchedstatWait', () => {
  it('reads the second field of a schedstat line', () => {
    expect(parseSchedstatWait('292784981 57965157 935\n')).toBe(57_965_157);
  });

  it.each([[''], ['12'], ['a b c'], ['1 -5 2']])('answers null for %j', (line) => {
    expect(parseSchedstatWait(line)).toBeNull();
  });
});

describe('ContentionGauge', () => {
  it('turns on after two readings in a row at 10 % of wall time spent waiting for a core, off below 5 %', () => {
    const { step } = scripted();
    expect(step(100, 9)).toBe(false); // 9 %: not yet
    expect(step(100, 10)).toBe(false); // 10 %, once
    expect(step(100, 10)).toBe(true); // 10 % again
    expect(step(100, 6)).toBe(true); // 6 %: still a busy spell
    expect(step(100, 4)).toBe(false); // 4 %: over
    expect(step(100, 0)).toBe(false);
  });

  it('ignores a single reading over 10 % between quiet ones: a burst, not a busy spell', () => {
    const { step } = scripted();
    for (let i = 0; i < 5; i++) {
      expect(step(50, 8)).toBe(false); // 16 %, alone
      expect(step(50, 1)).toBe(false); // 2 %
    }
    expect(step(50, 8)).toBe(false);
    expect(step(50, 9)).toBe(true); // two in a row
    expect(step(50, 1)).toBe(false);
    expect(step(50, 8)).toBe(false); // the count starts again after a spell
    expect(step(50, 8)).toBe(true);
  });

  it('reads the counter at most once per sample interval, answering with the last verdict in between', () => {
    const { step, reads } = scripted({ sampleMs: 50 });
    expect(step(60, 30)).toBe(false);
    expect(step(60, 30)).toBe(true);
    const before = reads();
    expect(step(10, 0)).toBe(true);
    expect(step(10, 0)).toBe(true);
    expect(reads()).toBe(before);
    expect(step(40, 0)).toBe(false); // 60 ms since the last reading with no wait
    expect(reads()).toBe(before + 1);
  });

  it('says not contended when there is no counter to read', () => {
    const gauge = new ContentionGauge({ readWaitNs: () => null });
    expect(gauge.contended()).toBe(false);
    expect(gauge.contended()).toBe(false);
  });
});

describe('contentionPacer', () => {
  const sleeps: number[] = [];
  const sleep = (ms: number): Promise<void> => {
    sleeps.push(ms);
    return Promise.resolve();
  };

  it('rests t·(1/share − 1) after a batch of t ms while contended, at most 250 ms, and not otherwise', async () => {
    let contended = true;
    const pace = contentionPacer(0.25, { contended: () => contended }, sleep);
    sleeps.length = 0;
    await pace?.(10);
    await pace?.(200);
    contended = false;
    await pace?.(10);
    expect(sleeps).toEqual([30, 250]);
  });

  it('does not pace at a share of 1', () => {
    expect(contentionPacer(1, { contended: () => true }, sleep)).toBeUndefined();
  });
});

describe.skipIf(process.platform !== 'linux')('mainThreadWaitNs (Linux schedstat)', () => {
  it('grows while more threads spin than there are cores', async () => {
    const before = mainThreadWaitNs();
    expect(before).not.toBeNull();
    // Spinners on every core and then some, while this thread spins too: it must queue for a core.
    const spinners = Array.from(
      { length: availableParallelism() + 1 },
      () =>
        new Worker(
          `const { parentPort } = require('node:worker_threads');
           const until = Date.now() + 400; while (Date.now() < until); parentPort.postMessage('done');`,
          { eval: true },
        ),
    );
    const until = Date.now() + 400;
    while (Date.now() < until);
    await Promise.all(spinners.map((w) => new Promise((resolve) => w.once('message', resolve))));
    await Promise.all(spinners.map((w) => w.terminate()));
    expect(mainThreadWaitNs()!).toBeGreaterThan(before!);
  });
});
