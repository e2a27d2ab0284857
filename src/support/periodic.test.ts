import { describe, expect, it } from 'vitest';
import { Periodic } from './periodic.js';

describe('Periodic', () => {
  it('runs on its timer, one run at a time, reports failures and stops after the run in progress', async () => {
    let runs = 0;
    let release: () => void = () => undefined;
    const errors: unknown[] = [];
    const periodic = new Periodic({
      run: async () => {
        runs += 1;
        if (runs === 2) throw new Error('second run fails');
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        return runs;
      },
      delayMs: (first) => (first ? 1 : 5),
      onError: (error) => errors.push(error),
      random: () => 0.5,
    });
    const joined = [periodic.runNow(), periodic.runNow()];
    expect(runs).toBe(1); // the second call joined the first
    release();
    expect(await Promise.all(joined)).toEqual([1, 1]);
    periodic.start();
    // The timer's runs: the second fails, the third waits for release (however slow the machine is).
    for (let waited = 0; runs < 3 && waited < 5_000; waited += 5)
      await new Promise((resolve) => setTimeout(resolve, 5));
    expect(errors).toEqual([new Error('second run fails')]);
    expect(runs).toBe(3);
    const stopped = periodic.stop();
    release();
    await stopped;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(runs).toBe(3);
  });
});
