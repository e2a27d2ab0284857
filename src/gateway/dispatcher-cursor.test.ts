// The dispatched inbox rows stay a prefix of the inbox when `inbox reprocess` runs while a batch is being
// dispatched: the batch read before the reprocess is read again, not written.
import { readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../store/temp-dirs.test-util.js';
import { createLogger } from '../log/index.js';
import { SqlQueue, type QueueTables } from '../queue/index.js';
import { Store } from '../store/index.js';
import { Dispatcher } from './dispatcher.js';

const FIXTURE = new URL('../../../shared/protocol/fixtures/webhooks/', import.meta.url);
const tempDir = tempDirs('flowgate-cursor-');

describe('Dispatcher and inbox reprocess', () => {
  it('re-reads a batch when the rows before it were put back meanwhile', async () => {
    const dir = tempDir();
    const store = await Store.open({ databaseUrl: null, dataDir: dir, sqliteSynchronous: 'normal' });
    try {
      await SqlQueue.migrate(store.db as unknown as Kysely<QueueTables>, 'sqlite');
      const queue = new SqlQueue(store.db as unknown as Kysely<QueueTables>, { dialect: 'sqlite' });
      const body = readFileSync(new URL('meta_docs/messages_text.json', FIXTURE));
      const dispatcher = new Dispatcher({
        store,
        queue,
        router: { handles: () => false },
        forwardUrls: [],
        logger: createLogger({ level: 'silent' }),
        batchSize: 2,
      });
      await store.inbox.append([1, 2].map((receivedAt) => ({ body, headers: {}, receivedAt })));
      expect(await dispatcher.drain()).toMatchObject({ bodies: 2 });
      await store.inbox.append([3, 4].map((receivedAt) => ({ body, headers: {}, receivedAt })));

      // `inbox reprocess --since` lands between reading the next batch (3, 4) and writing it.
      const pendingAfter = store.inbox.pendingAfter.bind(store.inbox);
      let reprocessed = false;
      store.inbox.pendingAfter = async (limit) => {
        const batch = await pendingAfter(limit);
        if (!reprocessed) {
          reprocessed = true;
          expect(await store.inbox.requeueSince(0)).toBe(2);
        }
        return batch;
      };
      const result = await dispatcher.drain();
      // Everything was dispatched again from the start (1, 2 as duplicates), none skipped.
      expect(result.bodies).toBe(4);
      expect(await store.inbox.counts()).toEqual({ total: 4, pending: 0 });
      for (const id of [1, 2, 3, 4]) expect((await store.inbox.get(id))?.processedAt).not.toBeNull();
    } finally {
      await store.close();
    }
  });
});
