// WAL checkpoints off the main thread. SQLite's auto-checkpoint runs inside the commit that crosses 1,000
// WAL pages: that commit copies the pages into the database file and fsyncs it, stalling the event loop for
// tens of milliseconds (a mean commit of ~0.3 ms when the median is ~0.03 ms, and limiter timers that fire
// late). Instead the main connection never checkpoints, and a worker thread with its own connection runs
// PASSIVE checkpoints (which never wait for readers or writers) on an interval. Durability is unchanged:
// a commit is durable in the WAL; a checkpoint only moves pages. The WAL starts over only once a checkpoint
// has caught up with the last commit, which a thread racing a writer that never pauses may not manage: past
// `catchUpPages` the thread asks the owning connection to finish the job (catchUp below). That connection is
// not always the writer: with the ingest thread, the dispatch thread's connection owns the checkpoints while
// the HTTP thread writes flow answers, so a PASSIVE catch-up races that writer too. In the test (a writer at
// ~5,700 commits/s, catchUpPages 300) the WAL never started over: 9,455 pages after 12,000 commits. With
// catchUp's RESTART it stays at 340–500 pages. If the thread fails, the connection goes back to
// auto-checkpointing.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type SQLite from 'better-sqlite3';
import { lowerThreadPriority, threadIdFromLink } from '../support/thread-priority.js';

/** Plain CommonJS so it needs no loader; better-sqlite3 is resolved here and passed in. */
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
// Which thread this is, so the starting thread can lower its priority (support/thread-priority.ts).
let link = null;
try { link = require('node:fs').readlinkSync('/proc/thread-self'); } catch {}
parentPort.postMessage({ thread: link });
const Database = require(workerData.module);
const db = new Database(workerData.path);
const checkpoint = () => {
  const [state] = db.pragma('wal_checkpoint(PASSIVE)');
  if (state !== undefined && state.log > workerData.catchUpPages) parentPort.postMessage('catch-up');
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  try { checkpoint(); } finally { db.close(); parentPort.close(); }
});
`;

/**
 * Copying pages is background work: below the HTTP and inbox threads. Every 200 ms rather than more often,
 * because a page written many times between two checkpoints (an index's) is copied once.
 */
const CHECKPOINT_NICE = 10;

/**
 * Copies what the thread has not, then starts the WAL over. A PASSIVE checkpoint alone restarts nothing when
 * another connection keeps writing: the restart happens in the next commit only if no commit came in while
 * the checkpoint ran. RESTART does it itself, under the write lock, after the PASSIVE one has copied the bulk
 * without it (so the lock is held for the few frames committed in between; a commit arriving meanwhile waits
 * that long, about 4 ms in the flows bench). It never waits itself: with the lock or a reader busy it does
 * what PASSIVE can, and the next request tries again.
 */
function catchUp(sqlite: SQLite.Database): void {
  if (!sqlite.open) return;
  sqlite.pragma('wal_checkpoint(PASSIVE)');
  const timeoutMs = Number(sqlite.pragma('busy_timeout', { simple: true }));
  sqlite.pragma('busy_timeout = 0');
  try {
    sqlite.pragma('wal_checkpoint(RESTART)');
  } finally {
    sqlite.pragma(`busy_timeout = ${timeoutMs}`);
  }
}

export interface Checkpointer {
  /** Stops the thread (after a last checkpoint). */
  stop(): Promise<void>;
}

export function startCheckpointer(
  sqlite: SQLite.Database,
  path: string,
  options: { intervalMs?: number; catchUpPages?: number } = {},
): Checkpointer {
  const { intervalMs = 200, catchUpPages = 8_000 } = options;
  const module = createRequire(import.meta.url).resolve('better-sqlite3');
  const restore = (): void => {
    if (sqlite.open) sqlite.pragma('wal_autocheckpoint = 1000');
  };
  sqlite.pragma('wal_autocheckpoint = 0');
  const worker = new Worker(THREAD_SOURCE, {
    eval: true,
    workerData: { module, path, intervalMs, catchUpPages },
  });
  worker.unref();
  worker.on('message', (message: unknown) => {
    if (message === 'catch-up') {
      catchUp(sqlite);
    } else if (typeof message === 'object' && message !== null && 'thread' in message) {
      lowerThreadPriority(threadIdFromLink(message.thread), CHECKPOINT_NICE);
    }
  });
  let exited = false;
  const done = new Promise<void>((resolve) => {
    worker.once('exit', () => {
      exited = true;
      resolve();
    });
  });
  worker.on('error', restore);
  void done.then(restore);
  return {
    stop: async () => {
      if (!exited) {
        // Unreferenced, the thread would not keep the event loop alive for this wait (a CLI's top-level await).
        worker.ref();
        worker.postMessage('stop');
      }
      await done;
    },
  };
}
