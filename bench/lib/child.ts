// Servers under test run as child processes (`node --import tsx <script>`), so they get an event loop
// of their own. Children are stopped with SIGTERM (SIGKILL if they hang) and never outlive the bench.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { STATS_REQUEST, type ChildStats } from './child-stats.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Inherited variables that would change what is measured (config of the server under test). */
const SCRUBBED_ENV = /^(FLOWGATE_|DATABASE_URL$|REDIS_URL$|NODE_OPTIONS$)/;

export interface ChildOptions {
  name: string;
  /** Script path relative to the repository root. */
  script: string;
  env: Record<string, string>;
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeArgs?: readonly string[];
  /** Polled with GET until it answers 200. */
  readyUrl: string;
  readyTimeoutMs?: number;
}

export interface Child {
  readonly name: string;
  readonly pid: number;
  /** The last lines the child wrote (stdout and stderr). */
  logTail(): string[];
  /** Lines the child wrote in total. */
  logLines(): number;
  /** CPU and event-loop delay since the previous call (null if the child does not answer). */
  stats(): Promise<ChildStats | null>;
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();

process.once('exit', () => {
  for (const proc of live) proc.kill('SIGKILL');
});

export async function startChild(options: ChildOptions): Promise<Child> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !SCRUBBED_ENV.test(key)));
  const proc = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', options.script], {
    cwd: REPO_ROOT,
    env: { ...inherited, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const pid = proc.pid;
  if (pid === undefined) throw new Error(`${options.name}: could not spawn ${options.script}`);
  live.add(proc);

  const tail: string[] = [];
  let lines = 0;
  const collect = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      lines++;
      tail.push(line);
      if (tail.length > 40) tail.shift();
    }
  };
  proc.stdout?.on('data', collect);
  proc.stderr?.on('data', collect);

  // An object, so the checks below see the change made in the exit handler.
  const state: { exitCode: number | string | null } = { exitCode: null };
  const exited = new Promise<void>((resolve) => {
    proc.once('exit', (code, signal) => {
      state.exitCode = code ?? signal;
      live.delete(proc);
      resolve();
    });
  });

  const child: Child = {
    name: options.name,
    pid,
    logTail: () => [...tail],
    logLines: () => lines,
    stats: async () => {
      if (state.exitCode !== null || !proc.connected) return null;
      const reply = new Promise<ChildStats>((resolve) => {
        proc.once('message', (m) => {
          resolve(m as ChildStats);
        });
      });
      proc.send(STATS_REQUEST);
      return Promise.race([reply, sleep(2_000).then(() => null)]);
    },
    stop: async () => {
      if (state.exitCode !== null) return;
      proc.kill('SIGTERM');
      const stopped = await Promise.race([exited.then(() => true), sleep(15_000).then(() => false)]);
      if (!stopped) {
        console.error(`${options.name} (pid ${pid}) did not stop within 15 s of SIGTERM; killing it`);
        proc.kill('SIGKILL');
        await exited;
      }
    },
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  for (;;) {
    if (state.exitCode !== null) {
      throw new Error(`${options.name} exited (${String(state.exitCode)}) before it was ready:\n${tail.join('\n')}`);
    }
    if (await answers200(options.readyUrl)) return child;
    if (Date.now() > deadline) {
      await child.stop();
      throw new Error(
        `${options.name} was not ready within ${options.readyTimeoutMs ?? 30_000} ms:\n${tail.join('\n')}`,
      );
    }
    await sleep(100);
  }
}

async function answers200(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    await res.body?.cancel();
    return res.status === 200;
  } catch {
    return false;
  }
}

/** A TCP port nobody listens on right now, on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not find a free port'));
      });
    });
  });
}

/** Stops every child still running (on errors and interrupts). */
export async function stopAllChildren(): Promise<void> {
  await Promise.all(
    [...live].map(async (proc) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const stopped = await Promise.race([
        new Promise<boolean>((resolve) => {
          proc.once('exit', () => {
            resolve(true);
          });
        }),
        sleep(5_000).then(() => false),
      ]);
      if (!stopped) proc.kill('SIGKILL');
    }),
  );
}
