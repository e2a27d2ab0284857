// TokenTurns on its own, with real timers and a clock the test moves: one token's requests run in order; a
// request whose turn has not come by its deadline is answered by `late` and never runs; the token's next
// request then waits only for the turn that really runs.
import { describe, expect, it } from 'vitest';
import { TokenTurns } from './token-turns.js';

/** A promise and the function that settles it. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** A turn whose deadline is a minute away: it always gets its turn in these tests. */
function inTime<T>(run: () => Promise<T>): { deadline: number; late: () => Promise<string>; run: () => Promise<T> } {
  return { deadline: performance.now() + 60_000, late: () => Promise.resolve('late'), run };
}

describe('TokenTurns', () => {
  it("runs one token's requests one after another, other tokens' beside them", async () => {
    const turns = new TokenTurns();
    const log: string[] = [];
    const first = gate();
    const turn = (name: string, wait?: Promise<void>) =>
      inTime(async () => {
        log.push(`${name}:start`);
        await wait;
        log.push(`${name}:end`);
        return name;
      });
    const a = turns.run('t1', turn('a', first.promise));
    const b = turns.run('t1', turn('b'));
    const other = turns.run('t2', turn('other'));
    expect(await other).toBe('other');
    expect(log).toEqual(['a:start', 'other:start', 'other:end']);
    first.open();
    expect(await Promise.all([a, b])).toEqual(['a', 'b']);
    expect(log).toEqual(['a:start', 'other:start', 'other:end', 'a:end', 'b:start', 'b:end']);
  });

  it('answers late at the deadline, never runs that request, and lets the next one wait only for the running turn', async () => {
    const turns = new TokenTurns();
    const log: string[] = [];
    const slow = gate();
    const a = turns.run(
      't',
      inTime(async () => {
        await slow.promise;
        log.push('a:end');
        return 'a';
      }),
    );
    const b = turns.run('t', {
      deadline: performance.now() + 20,
      late: () => Promise.resolve('b:late'),
      run: () => {
        log.push('b:ran');
        return Promise.resolve('b');
      },
    });
    expect(await b).toBe('b:late');
    const c = turns.run(
      't',
      inTime(() => {
        log.push('c:start');
        return Promise.resolve('c');
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(log).toEqual([]);
    slow.open();
    expect(await Promise.all([a, c])).toEqual(['a', 'c']);
    expect(log).toEqual(['a:end', 'c:start']);
  });

  it('answers late a request whose turn comes only once the clock is past its deadline', async () => {
    let clock = 0;
    const turns = new TokenTurns(() => clock);
    const before = gate();
    const a = turns.run('t', {
      deadline: 100,
      late: () => Promise.resolve('a:late'),
      run: () => before.promise.then(() => 'a'),
    });
    let ran = false;
    // Its timer is set for 10 s of real time; the turn before ends first, with the clock already past.
    const b = turns.run('t', {
      deadline: 10_000,
      late: () => Promise.resolve('b:late'),
      run: () => {
        ran = true;
        return Promise.resolve('b');
      },
    });
    clock = 20_000;
    before.open();
    expect(await Promise.all([a, b])).toEqual(['a', 'b:late']);
    expect(ran).toBe(false);
  });

  it('passes on what a run or a late answer rejects with, and keeps the chain going', async () => {
    const turns = new TokenTurns();
    const hung = gate();
    const failing = turns.run(
      't',
      inTime(async () => {
        await hung.promise;
        throw new Error('handler failed');
      }),
    );
    const lateFailing = turns.run('t', {
      deadline: performance.now() + 10,
      late: () => Promise.reject(new Error('late failed')),
      run: () => Promise.resolve('unused'),
    });
    await expect(lateFailing).rejects.toThrow('late failed');
    // A run that throws before it returns a promise still settles its request.
    const throwing = turns.run(
      't',
      inTime((): Promise<string> => {
        throw new Error('thrown at once');
      }),
    );
    hung.open();
    await expect(failing).rejects.toThrow('handler failed');
    await expect(throwing).rejects.toThrow('thrown at once');
    const next = turns.run(
      't',
      inTime(() => Promise.resolve('next')),
    );
    expect(await next).toBe('next');
  });
});
