// The ingest thread: commits verified webhook bodies to the inbox (group commit, fsync) and runs the
// dispatcher, on its own SQLite connection and its own core, so the HTTP thread only reads, verifies and
// answers. Started by IngestThread (ingest-client.ts); speaks the messages of ingest-protocol.ts.
import { parentPort, workerData } from 'node:worker_threads';
import type { Kysely } from 'kysely';
import { createLogger } from '../log/index.js';
import { SqlQueue, type QueueTables } from '../queue/index.js';
import { Store } from '../store/index.js';
import { Dispatcher } from './dispatcher.js';
import { DispatchLoop } from './dispatch-loop.js';
import { GroupCommitter } from './group-commit.js';
import type { FromIngestThread, IngestThreadInit, ToIngestThread } from './ingest-protocol.js';
import { PatternSet } from './router.js';

if (parentPort === null) throw new Error('ingest-thread.ts runs as a worker thread');
const port = parentPort;
const init = workerData as IngestThreadInit;
const send = (message: FromIngestThread): void => {
  port.postMessage(message);
};

/** Dispatch batches stay small in this thread: inbox commits wait behind each one. */
const DISPATCH_BATCH = 50;
const yieldToMessages = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function start(): Promise<void> {
  const logger = createLogger({ level: init.logLevel });
  const store = await Store.open(init.database);
  const queue = new SqlQueue(store.db as unknown as Kysely<QueueTables>, {
    defaultMaxAttempts: init.jobMaxAttempts,
    dialect: store.opened.dialect,
  });
  const interest = new PatternSet(init.patterns);
  const inbox = new GroupCommitter((items) => store.inbox.append(items));
  const dispatcher = new Dispatcher({
    store,
    queue,
    router: interest,
    forwardUrls: init.forwardUrls,
    mediaDownloads: init.mediaDownloads,
    logger,
    batchSize: DISPATCH_BATCH,
    betweenBatches: yieldToMessages,
    onJobs: (queues) => {
      send({ type: 'jobs', queues: [...queues] });
    },
    onEvents: (claimed, duplicates) => {
      send({ type: 'events', claimed, duplicates });
    },
  });

  const loop = new DispatchLoop(() => dispatcher.drain(), init.pollMs, logger);
  loop.start();

  port.on('message', (message: ToIngestThread) => {
    switch (message.type) {
      case 'append':
        inbox.append({ body: message.body, headers: message.headers, receivedAt: message.receivedAt }).then(
          (id) => {
            send({ type: 'appended', seq: message.seq, id });
            loop.wake();
          },
          (error: unknown) => {
            send({ type: 'append_failed', seq: message.seq, message: errorMessage(error) });
          },
        );
        return;
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
        void loop
          .stop()
          .then(() => inbox.idle())
          .then(() => store.close())
          .finally(() => {
            send({ type: 'stopped' });
            port.close();
          });
        return;
    }
  });
  send({ type: 'ready' });
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

start().catch((error: unknown) => {
  send({ type: 'start_failed', message: errorMessage(error) });
});
