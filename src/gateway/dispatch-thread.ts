// The dispatch thread: turns committed inbox bodies into events, records and jobs (the Dispatcher) on its own
// SQLite connection and its own core, woken by the inbox thread after each commit. It is the main
// database's big writer, so it also finishes that database's WAL checkpoints. Started by IngestThread
// (ingest-client.ts); speaks the messages of ingest-protocol.ts.
import { parentPort, workerData } from 'node:worker_threads';
import type { Kysely } from 'kysely';
import { createLogger } from '../log/index.js';
import { SqlQueue, type QueueTables } from '../queue/index.js';
import { Store } from '../store/index.js';
import { Dispatcher } from './dispatcher.js';
import { DispatchLoop } from './dispatch-loop.js';
import type { CommittedNotice, DispatchThreadData, FromDispatchThread, ToDispatchThread } from './ingest-protocol.js';
import { PatternSet } from './router.js';
import { errorMessage } from './error-message.js';
import { runThread, stopThread } from './thread-entry.js';
import { ContentionGauge, contentionPacer } from './contention.js';
import { lowerThisThreadPriority } from '../support/thread-priority.js';

if (parentPort === null) throw new Error('dispatch-thread.ts runs as a worker thread');
const port = parentPort;
const { init, committed } = workerData as DispatchThreadData;
const send = (message: FromDispatchThread): void => {
  port.postMessage(message);
};

/**
 * Inbox rows per dispatch transaction. The transaction holds the main database's write lock, which the
 * HTTP thread's writes (job leases, outbound sends) wait for; fifty keep that wait to milliseconds.
 */
const DISPATCH_BATCH = 50;
/** How long committed bodies may wait to be dispatched together (see DispatchLoop). */
const DISPATCH_LINGER_MS = 20;

async function start(): Promise<void> {
  const logger = createLogger({ level: init.logLevel });
  // Webhooks are durable once committed and Meta waits for the answer, so when the cores are contended the
  // HTTP and inbox threads go first: by a lower priority (config dispatchNice, default 10), and because a
  // drain rests between batches while the HTTP thread waits for a core (contention.ts, config
  // dispatchShareWhenContended). An overloaded dispatcher shows as an inbox backlog (metrics) that it drains
  // as soon as the load allows.
  if (init.dispatchNice > 0 && !lowerThisThreadPriority(init.dispatchNice)) {
    logger.debug('the dispatch thread runs at normal priority');
  }
  const store = await Store.open({ ...init.database, checkpoints: 'own', inboxCheckpoints: 'elsewhere' });
  const queue = new SqlQueue(store.db as unknown as Kysely<QueueTables>, {
    defaultMaxAttempts: init.jobMaxAttempts,
    dialect: store.opened.dialect,
  });
  const interest = new PatternSet(init.patterns);
  const dispatcher = new Dispatcher({
    store,
    queue,
    router: interest,
    forwardUrls: init.forwardUrls,
    mediaDownloads: init.mediaDownloads,
    logger,
    batchSize: DISPATCH_BATCH,
    pace: contentionPacer(init.dispatchShareWhenContended, new ContentionGauge()),
    onJobs: (queues) => {
      send({ type: 'jobs', queues: [...queues] });
    },
    onEvents: (claimed, duplicates) => {
      send({ type: 'events', claimed, duplicates });
    },
  });

  const loop = new DispatchLoop(
    () => dispatcher.drain(),
    { pollMs: init.pollMs, lingerMs: DISPATCH_LINGER_MS, fullBatch: DISPATCH_BATCH },
    logger,
  );
  loop.start();
  committed.on('message', (notice: CommittedNotice) => {
    loop.wake(notice.count);
  });

  port.on('message', (message: ToDispatchThread) => {
    switch (message.type) {
      case 'patterns':
        interest.replace(message.patterns);
        return;
      case 'drain':
        dispatcher.drain().then(
          (result) => {
            send({ type: 'drained', seq: message.seq, result });
          },
          (error: unknown) => {
            send({ type: 'drained', seq: message.seq, result: null, message: errorMessage(error) });
          },
        );
        return;
      case 'stop':
        stopThread(
          loop.stop().then(() => store.close()),
          () => {
            send({ type: 'stopped' });
          },
          [committed, port],
        );
        return;
    }
  });
  send({ type: 'ready' });
}

runThread(start, (message) => {
  send({ type: 'start_failed', message });
});
