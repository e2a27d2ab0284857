// Run inside a server under test: answers the bench's "stats" message (over the IPC channel) with the CPU
// time used and the event-loop delay seen since the previous one. A blocked event loop is what turns into
// tail latency, and CPU time shows how the cores were shared with the load generator. On Linux also how long
// the server's main thread was ready to run but waiting for a core (its run-queue wait in schedstat, read as
// the dispatcher's contention gauge reads it), which on a shared 2-core machine is where most of that delay
// comes from. Also reads the settings the bench passed in the environment.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { mainThreadWaitNs } from '../../src/gateway/contention.js';

export interface ChildStats {
  wallSeconds: number;
  /** User + system CPU seconds; divide by wallSeconds for cores used. */
  cpuSeconds: number;
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  /** Share of the wall time the main thread was runnable but not running (null where Linux does not say). */
  mainThreadWaitShare: number | null;
}

export const STATS_REQUEST = 'bench:stats';

export function answerStatsRequests(): void {
  if (process.send === undefined) return;
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  let cpu = process.cpuUsage();
  let wall = performance.now();
  let waited = mainThreadWaitNs();
  process.on('message', (message) => {
    if (message !== STATS_REQUEST) return;
    const used = process.cpuUsage(cpu);
    const wallSeconds = (performance.now() - wall) / 1000;
    const waitedNow = mainThreadWaitNs();
    const stats: ChildStats = {
      wallSeconds,
      cpuSeconds: (used.user + used.system) / 1e6,
      eventLoopDelayMs: { p50: delay.percentile(50) / 1e6, p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 },
      mainThreadWaitShare:
        waited === null || waitedNow === null || wallSeconds <= 0 ? null : (waitedNow - waited) / 1e9 / wallSeconds,
    };
    process.send?.(stats);
    delay.reset();
    cpu = process.cpuUsage();
    wall = performance.now();
    waited = waitedNow;
  });
  // The channel must not keep the process alive once the server has shut down.
  process.channel?.unref();
}

/** A setting the bench passed to this server in its environment; missing or empty is an error. */
export function env(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is required`);
  return value;
}
