// What the two ingest threads' entry modules share: starting (a failure is reported, not thrown), and
// stopping (after their own shutdown, say so and close their ports, which lets the thread exit).
import type { MessagePort } from 'node:worker_threads';
import { errorMessage } from './error-message.js';

/** Runs `start`; if it fails, `startFailed` tells the main thread why. */
export function runThread(start: () => Promise<void>, startFailed: (message: string) => void): void {
  start().catch((error: unknown) => {
    startFailed(errorMessage(error));
  });
}

/** After `shutdown` (even a failed one): `stopped()`, then the ports close. */
export function stopThread(shutdown: Promise<unknown>, stopped: () => void, ports: readonly MessagePort[]): void {
  void shutdown.finally(() => {
    stopped();
    for (const port of ports) port.close();
  });
}
