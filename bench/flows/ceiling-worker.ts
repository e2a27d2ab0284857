// Worker thread of the crypto ceiling: what one core can do per second of the work no flow endpoint can
// skip (ceiling-work.ts), with no HTTP.
import { createPrivateKey } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { ceilingWork } from './ceiling-work.js';

export interface CeilingWorkerData {
  privatePkcs8: string;
  bodies: readonly string[];
  durationMs: number;
}

export interface CeilingWorkerResult {
  ops: number;
  seconds: number;
  /** Sum of the answers' lengths, so nothing is optimized away (and a sanity figure). */
  bytesOut: number;
}

const data = workerData as CeilingWorkerData;
const key = createPrivateKey(data.privatePkcs8);
parentPort?.once('message', () => {
  let ops = 0;
  let bytesOut = 0;
  const started = performance.now();
  const until = started + data.durationMs;
  while (performance.now() < until) {
    bytesOut += ceilingWork(data.bodies[ops % data.bodies.length] ?? '', key).length;
    ops++;
  }
  const result: CeilingWorkerResult = { ops, seconds: (performance.now() - started) / 1000, bytesOut };
  parentPort?.postMessage(result);
});
parentPort?.postMessage('ready');
