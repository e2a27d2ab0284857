// What the emulator child saw: the times (epoch ms, high resolution) at which it accepted each send, and
// the window arithmetic over them (sends in a window, the busiest window of a given length).
import { setTimeout as sleep } from 'node:timers/promises';

export interface Receipts {
  /** Sorted, epoch ms. */
  times: number[];
  /** Sends the emulator answered with anything but 200. */
  refused: number;
}

export class EmulatorProbe {
  constructor(private readonly baseUrl: string) {}

  async count(): Promise<{ count: number; refused: number }> {
    return (await this.call('/_bench/count', 'GET', 5_000)) as { count: number; refused: number };
  }

  async receipts(): Promise<Receipts> {
    const body = (await this.call('/_bench/receipts', 'GET', 30_000)) as { receipts: number[]; refused: number };
    return { times: [...body.receipts].sort((a, b) => a - b), refused: body.refused };
  }

  async reset(): Promise<void> {
    await this.call('/_bench/reset', 'POST', 5_000);
  }

  /** Three attempts with jittered pauses: a pooled keep-alive socket the server just closed fails once. */
  private async call(path: string, method: string, timeoutMs: number): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      try {
        const res = await fetch(`${this.baseUrl}${path}`, { method, signal: AbortSignal.timeout(timeoutMs) });
        return await res.json();
      } catch (error) {
        if (attempt >= 3) throw error;
        await sleep(50 + Math.random() * 100);
      }
    }
  }

  /** Polls until the emulator has accepted `n` sends (or refused some), or `timeoutMs` passes. */
  async waitFor(n: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { count, refused } = await this.count();
      if (count + refused >= n) return true;
      if (Date.now() > deadline) return false;
      await sleep(100);
    }
  }
}

/** How many of the sorted `times` fall in [from, to). */
export function windowRate(times: readonly number[], from: number, to: number): number {
  let n = 0;
  for (const t of times) if (t >= from && t < to) n++;
  return n;
}

export interface BusiestWindow {
  count: number;
  /** When the busiest window begins (the first time in it), epoch ms. */
  startsAt: number;
}

/** The most sorted `times` in any half-open window of `lengthMs` (and where it is). */
export function busiestWindow(times: readonly number[], lengthMs: number): BusiestWindow {
  let best: BusiestWindow = { count: 0, startsAt: Number.NaN };
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    const t = times[end] ?? 0;
    while ((times[start] ?? t) <= t - lengthMs) start++;
    if (end - start + 1 > best.count) best = { count: end - start + 1, startsAt: times[start] ?? t };
  }
  return best;
}
