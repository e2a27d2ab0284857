// The inbox thread: commits verified webhook bodies to the inbox file (group commit, fsync) on a connection
// of its own, and nothing else, so a request waits only for its own commit: never for a dispatch batch, a
// checkpoint of the main database, or the HTTP thread. After each commit it tells the dispatch thread.
// Started by IngestThread (ingest-client.ts); speaks the messages of ingest-protocol.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { appendToInbox, openInboxDatabase } from '../store/index.js';
import { GroupCommitter } from './group-commit.js';
import { errorMessage } from './error-message.js';
import { runThread, stopThread } from './thread-entry.js';
import type {
  AppendRequest,
  CommittedNotice,
  FromInboxThread,
  InboxThreadData,
  ToInboxThread,
} from './ingest-protocol.js';

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
        void answer(message.items, (item) => inbox.append(item));
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

/** Answers one batch of appends in one message per outcome (a batch's bodies usually share a commit). */
async function answer(items: AppendRequest[], append: (item: AppendRequest) => Promise<number>): Promise<void> {
  const outcomes = await Promise.allSettled(items.map(append));
  const appended: { seqs: number[]; ids: number[] } = { seqs: [], ids: [] };
  const failed = new Map<string, number[]>();
  items.forEach(({ seq }, i) => {
    const outcome = outcomes[i];
    if (outcome === undefined) return;
    if (outcome.status === 'fulfilled') {
      appended.seqs.push(seq);
      appended.ids.push(outcome.value);
    } else {
      const message = errorMessage(outcome.reason);
      const seqs = failed.get(message);
      if (seqs === undefined) failed.set(message, [seq]);
      else seqs.push(seq);
    }
  });
  if (appended.seqs.length > 0) send({ type: 'appended', ...appended });
  for (const [message, seqs] of failed) send({ type: 'append_failed', seqs, message });
}

runThread(start, (message) => {
  send({ type: 'start_failed', message });
});
