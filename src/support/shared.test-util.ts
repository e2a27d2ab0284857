// Test helpers shared by unit tests and the end-to-end tests in test/: a thread's nice value from /proc,
// and waiting for a condition.
import { readFileSync } from 'node:fs';

/** Field 19 of a /proc stat line. The name (field 2) may hold spaces: count from its closing parenthesis. */
export function niceOf(statPath: string): number {
  const stat = readFileSync(statPath, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19 - 3]);
}

/** Polls `check` every 20 ms until it gives something other than undefined or false; throws after `timeoutMs`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
