import { describe, expect, it } from 'vitest';
import { Semaphore } from './semaphore.js';

describe('Semaphore', () => {
  it('lets at most `limit` run at once, in arrival order, and frees a place when work fails', async () => {
    const semaphore = new Semaphore(2);
    let running = 0;
    let most = 0;
    const order: number[] = [];
    const gates: (() => void)[] = [];
    const tasks = [0, 1, 2, 3, 4].map((n) =>
      semaphore.run(async () => {
        running += 1;
        most = Math.max(most, running);
        order.push(n);
        await new Promise<void>((resolve) => gates.push(resolve));
        running -= 1;
        if (n === 1) throw new Error('boom');
        return n;
      }),
    );
    // Settled as they end, so the failing one is handled at once.
    const settled = Promise.allSettled(tasks);
    while (order.length < 5) {
      await new Promise((resolve) => setImmediate(resolve));
      gates.shift()?.();
    }
    for (const gate of gates) gate();
    const results = await settled;
    expect(most).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect(() => new Semaphore(0)).toThrow(TypeError);
  });
});

describe('Semaphore waits given up', () => {
  it('takes an aborted waiter out of line: its work never runs and the place goes to the next', async () => {
    const semaphore = new Semaphore(1);
    let release = (): void => undefined;
    const holder = semaphore.run(() => new Promise<void>((resolve) => (release = resolve)));
    const ran: string[] = [];
    const controller = new AbortController();
    const gaveUp = semaphore.run(() => Promise.resolve(void ran.push('gave up')), controller.signal);
    const next = semaphore.run(() => Promise.resolve(void ran.push('next')));
    expect(semaphore.waiting).toBe(2);
    controller.abort(new Error('deadline'));
    await expect(gaveUp).rejects.toThrow('deadline');
    expect(semaphore.waiting).toBe(1);
    release();
    await holder;
    await next;
    expect(ran).toEqual(['next']);
    expect(semaphore.held).toBe(0);
  });

  it('refuses at once with a signal already aborted, and ignores an abort after the work began', async () => {
    const semaphore = new Semaphore(1);
    await expect(semaphore.run(() => Promise.resolve(1), AbortSignal.abort(new Error('late')))).rejects.toThrow('late');
    expect(semaphore.held).toBe(0);
    const controller = new AbortController();
    const running = semaphore.run(async () => {
      controller.abort(new Error('ignored'));
      await new Promise((resolve) => setImmediate(resolve));
      return 'done';
    }, controller.signal);
    await expect(running).resolves.toBe('done');
    expect(semaphore.held).toBe(0);
  });

  it('rejects with an Error whatever the abort reason was', async () => {
    const semaphore = new Semaphore(1);
    await expect(semaphore.run(() => Promise.resolve(1), AbortSignal.abort('late'))).rejects.toThrow(Error);
    const hold = semaphore.run(() => new Promise<void>((resolve) => setTimeout(resolve, 20)));
    const controller = new AbortController();
    const waiting = semaphore.run(() => Promise.resolve(2), controller.signal);
    controller.abort('deadline');
    await expect(waiting).rejects.toThrow(/given up \(deadline\)/);
    await hold;
  });
});
