// The primary of a server under test that runs in node cluster mode: forks the workers (which share the
// port), says 200 on `readyPort` once every worker listens, answers the bench's stats request with the sum
// over itself and its workers (CPU summed, event-loop delay and main-thread wait the worst worker's), and
// stops them all on SIGTERM. A worker that dies during the run ends the primary with an error.
import cluster, { type Worker } from 'node:cluster';
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import { STATS_REQUEST, type ChildStats } from './child-stats.js';

export function runClusterPrimary(count: number, readyPort: number): void {
  const workers: Worker[] = [];
  let listening = 0;
  let stopping = false;
  for (let i = 0; i < count; i++) {
    const w = cluster.fork();
    w.once('listening', () => listening++);
    workers.push(w);
  }
  cluster.on('exit', (w, code, signal) => {
    if (!stopping) {
      console.error(`worker ${String(w.process.pid)} exited (code ${String(code)}, signal ${signal})`);
      process.exit(1);
    }
  });
  const ready = createServer((_req, res) => {
    res.writeHead(listening === count ? 200 : 503).end();
  }).listen(readyPort, '127.0.0.1');

  let cpu = process.cpuUsage();
  let wall = performance.now();
  process.on('message', (message) => {
    if (message !== STATS_REQUEST) return;
    const own = process.cpuUsage(cpu);
    const wallSeconds = (performance.now() - wall) / 1000;
    cpu = process.cpuUsage();
    wall = performance.now();
    void Promise.all(workers.map(askStats)).then((replies) => {
      const all = replies.filter((r): r is ChildStats => r !== null);
      const total: ChildStats = {
        wallSeconds,
        cpuSeconds: (own.user + own.system) / 1e6 + all.reduce((sum, r) => sum + r.cpuSeconds, 0),
        eventLoopDelayMs: {
          p50: Math.max(0, ...all.map((r) => r.eventLoopDelayMs.p50)),
          p99: Math.max(0, ...all.map((r) => r.eventLoopDelayMs.p99)),
          max: Math.max(0, ...all.map((r) => r.eventLoopDelayMs.max)),
        },
        mainThreadWaitShare: worst(all.map((r) => r.mainThreadWaitShare)),
      };
      process.send?.(total);
    });
  });
  process.channel?.unref();

  const stop = (): void => {
    stopping = true;
    ready.close();
    for (const w of workers) w.process.kill('SIGTERM');
    cluster.disconnect(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/** The largest of the known values, or null when none is known. */
function worst(values: readonly (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length === 0 ? null : Math.max(...known);
}

function askStats(w: Worker): Promise<ChildStats | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      w.off('message', onMessage);
      resolve(null);
    }, 2_000);
    const onMessage = (m: unknown): void => {
      if (typeof m !== 'object' || m === null || !('cpuSeconds' in m)) return;
      clearTimeout(timer);
      w.off('message', onMessage);
      resolve(m as ChildStats);
    };
    w.on('message', onMessage);
    w.send(STATS_REQUEST);
  });
}
