// CPU accounting for one measured phase of a benchmark: how many cores the servers under test (child
// processes), this process (the load generator, or an in-process server) and everything else on the
// machine used while `fn` ran. On a shared 2-core machine these decide how a figure can be read.
import { performance } from 'node:perf_hooks';
import type { ChildStats } from './child-stats.js';
import type { Child } from './child.js';
import { machineBusySeconds } from './machine.js';

export interface PhaseCores {
  /** Per child, by name: CPU cores used and event-loop delay (null if it did not answer). */
  children: Record<string, ChildStats | null>;
  /** CPU cores this process used. */
  bench: number;
  /** CPU cores everything else used (null where /proc/stat cannot be read). */
  others: number | null;
  seconds: number;
}

export interface Measured<T> {
  result: T;
  cores: PhaseCores;
}

/** Runs `fn`, accounting CPU from the moment it calls `onStart` (or from the start, if it never does). */
export async function measurePhase<T>(
  children: readonly Child[],
  fn: (onStart: () => void) => Promise<T>,
): Promise<Measured<T>> {
  const reset = (): { cpu: NodeJS.CpuUsage; wall: number; machine: number | null; stats: Promise<unknown> } => ({
    stats: Promise.all(children.map((c) => c.stats())),
    cpu: process.cpuUsage(),
    wall: performance.now(),
    machine: machineBusySeconds(),
  });
  let start = reset();
  const result = await fn(() => {
    start = reset();
  });
  await start.stats;
  const used = process.cpuUsage(start.cpu);
  const seconds = (performance.now() - start.wall) / 1000;
  const machineAfter = machineBusySeconds();
  const stats = await Promise.all(children.map((c) => c.stats()));
  const bench = (used.user + used.system) / 1e6 / seconds;
  const childCores = stats.reduce((sum, s) => sum + (s === null ? 0 : s.cpuSeconds / s.wallSeconds), 0);
  const others =
    start.machine === null || machineAfter === null || stats.includes(null)
      ? null
      : Math.max(0, (machineAfter - start.machine) / seconds - bench - childCores);
  return {
    result,
    cores: {
      children: Object.fromEntries(children.map((c, i) => [c.name, stats[i] ?? null])),
      bench,
      others,
      seconds,
    },
  };
}

/** "1.02 + 0.85 + 0.03": children, then this process, then others. */
export function describeCores(cores: PhaseCores): string {
  const parts = Object.values(cores.children).map((s) =>
    s === null ? 'n/a' : (s.cpuSeconds / s.wallSeconds).toFixed(2),
  );
  parts.push(cores.bench.toFixed(2), cores.others === null ? 'n/a' : cores.others.toFixed(2));
  return parts.join(' + ');
}
