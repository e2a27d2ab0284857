// The raw crypto ceiling of this machine: one worker thread per core (or as many as asked) running
// ceiling-worker.ts's loop at the same moment, requests from the bench's pool. No HTTP, no event loop
// shared with anything else: an upper bound no endpoint on these cores can beat.
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { machineBusySeconds } from '../lib/machine.js';
import type { CeilingWorkerData, CeilingWorkerResult } from './ceiling-worker.js';

// Node 20 does not apply the parent's `--import tsx` hooks to worker threads: each registers tsx itself.
const WORKER_URL = new URL('./ceiling-worker.ts', import.meta.url).href;
const BOOTSTRAP = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_URL)}); })`;

export interface Ceiling {
  threads: number;
  ops: number;
  /** Sum over the threads of each thread's ops per second. */
  opsPerSecond: number;
  perThread: number[];
  /** CPU time of this process (all its threads) while the loops ran, per request: contention-proof. */
  cpuMsPerOp: number;
  /** CPU cores the threads used, and what everything else on the machine used meanwhile (null: unknown). */
  cores: number;
  otherCores: number | null;
}

export async function measureCeiling(
  threads: number,
  durationS: number,
  privatePkcs8: string,
  bodies: readonly string[],
): Promise<Ceiling> {
  const workerData: CeilingWorkerData = { privatePkcs8, bodies, durationMs: durationS * 1000 };
  const workers = Array.from({ length: threads }, () => new Worker(BOOTSTRAP, { eval: true, workerData }));
  try {
    // Everyone parses the key and warms up first; then all start together.
    await Promise.all(workers.map((w) => nextMessage(w)));
    const cpu = process.cpuUsage();
    const machine = machineBusySeconds();
    const wall = performance.now();
    for (const w of workers) w.postMessage('go');
    const results = (await Promise.all(workers.map((w) => nextMessage(w)))) as CeilingWorkerResult[];
    const used = process.cpuUsage(cpu);
    const seconds = (performance.now() - wall) / 1000;
    const machineAfter = machineBusySeconds();
    const cores = (used.user + used.system) / 1e6 / seconds;
    const perThread = results.map((r) => r.ops / r.seconds);
    const ops = results.reduce((n, r) => n + r.ops, 0);
    return {
      threads,
      ops,
      opsPerSecond: perThread.reduce((a, b) => a + b, 0),
      perThread,
      cpuMsPerOp: (used.user + used.system) / 1000 / Math.max(1, ops),
      cores,
      otherCores:
        machine === null || machineAfter === null ? null : Math.max(0, (machineAfter - machine) / seconds - cores),
    };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

function nextMessage(worker: Worker): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      reject(error);
    };
    worker.once('error', onError);
    worker.once('message', (m: unknown) => {
      worker.off('error', onError);
      resolve(m);
    });
  });
}
