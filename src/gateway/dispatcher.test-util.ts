// A Dispatcher on a fresh SQLite store (main database, inbox, jobs table), with batches of two, and the
// body of a real text-message webhook to append.
import { readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import { createLogger } from '../log/index.js';
import { SqlQueue, type QueueTables } from '../queue/index.js';
import { Store } from '../store/index.js';
import { Dispatcher, type DispatcherOptions } from './dispatcher.js';

const FIXTURE = new URL('../../../shared/protocol/fixtures/webhooks/meta_docs/messages_text.json', import.meta.url);

export async function dispatcherOnStore(
  dataDir: string,
  options: Partial<DispatcherOptions> = {},
): Promise<{ store: Store; dispatcher: Dispatcher; body: Buffer }> {
  const store = await Store.open({ databaseUrl: null, dataDir, sqliteSynchronous: 'normal' });
  await SqlQueue.migrate(store.db as unknown as Kysely<QueueTables>, 'sqlite');
  const queue = new SqlQueue(store.db as unknown as Kysely<QueueTables>, { dialect: 'sqlite' });
  const dispatcher = new Dispatcher({
    store,
    queue,
    router: { handles: () => false },
    forwardUrls: [],
    logger: createLogger({ level: 'silent' }),
    batchSize: 2,
    ...options,
  });
  return { store, dispatcher, body: readFileSync(FIXTURE) };
}
