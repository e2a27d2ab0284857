// The inbox thread: commits verified webhook bodies to the inbox file (group commit, fsync) on a connection
// of its own, and nothing else, so a request waits only for its own commit: never for a dispatch batch, a
// checkpoint of the main database, or the HTTP thread. After each commit it tells the dispatch thread.
// Started by IngestThread (ingest-client.ts); speaks the messages of ingest-protocol.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { appendToInbox, openInboxDatabase } from '../store/index.js';
import { GroupCommitter } from './group-commit.js';
import { errorMessage } from './error-message.js';
import { runThread, stopThread } from './thread-entry.js';
import type { CommittedNotice, FromInboxThread, InboxThreadData, ToInboxThread } from './ingest-protocol.js';

if (parentPort === null) throw new Error('ingest-thread.ts runs as a worker thread');
const port = parentPort;
const data = workerData as InboxThreadData;
const send = (message: FromInboxThread): void => {
  port.postMessage(message);
};

async function start(): Promise<void> {
  const inboxDb = await openInboxDatabase({ ...data.database, inboxCheckpoints: 'own' });
  const inbox = new GroupCommitter(async (items) => {
    const ids = await appendToInbox(inboxDb.db, items);
    data.committed.postMessage({ count: ids.length } satisfies CommittedNotice);
    return ids;
  });

  port.on('message', (message: ToInboxThread) => {
    switch (message.type) {
      case 'append':
        inbox.append({ body: message.body, headers: message.headers, receivedAt: message.receivedAt }).then(
          (id) => {
            send({ type: 'appended', seq: message.seq, id });
          },
          (error: unknown) => {
            send({ type: 'append_failed', seq: message.seq, message: errorMessage(error) });
          },
        );
        return;
      case 'stop':
        stopThread(
          inbox.idle().then(() => inboxDb.close()),
          () => {
            send({ type: 'stopped' });
          },
          [data.committed, port],
        );
        return;
    }
  });
  send({ type: 'ready' });
}

runThread(start, (message) => {
  send({ type: 'start_failed', message });
});
