// The dispatcher's pace hook runs between the batches of a drain, on a real store: after each full batch
// (with its duration), never after the short one that ends the drain.
import { readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../log/index.js';
import { SqlQueue, type QueueTables } from '../queue/index.js';
import { Store } from '../store/index.js';
import { tempDirs } from '../store/temp-dirs.test-util.js';
import { Dispatcher } from './dispatcher.js';

const FIXTURE = new URL('../../../shared/protocol/fixtures/webhooks/', import.meta.url);
const tempDir = tempDirs('flowgate-pace-');

describe('Dispatcher pace', () => {
  it('is awaited after every full batch of a drain, with the batch’s duration, before the next is read', async () => {
    const store = await Store.open({ databaseUrl: null, dataDir: tempDir(), sqliteSynchronous: 'normal' });
    try {
      await SqlQueue.migrate(store.db as unknown as Kysely<QueueTables>, 'sqlite');
      const queue = new SqlQueue(store.db as unknown as Kysely<QueueTables>, { dialect: 'sqlite' });
      const body = readFileSync(new URL('meta_docs/messages_text.json', FIXTURE));
      const paces: { batchMs: number; pending: number }[] = [];
      const dispatcher = new Dispatcher({
        store,
        queue,
        router: { handles: () => false },
        forwardUrls: [],
        logger: createLogger({ level: 'silent' }),
        batchSize: 2,
        pace: async (batchMs) => {
          paces.push({ batchMs, pending: (await store.inbox.counts()).pending });
        },
      });
      await store.inbox.append([1, 2, 3, 4, 5].map((receivedAt) => ({ body, headers: {}, receivedAt })));

      expect(await dispatcher.drain()).toMatchObject({ bodies: 5 });
      // Two full batches (then 3 and 1 rows were left), and the short last batch ends the drain unpaced.
      expect(paces.map((p) => p.pending)).toEqual([3, 1]);
      for (const { batchMs } of paces) expect(batchMs).toBeGreaterThan(0);
      expect(await store.inbox.counts()).toEqual({ total: 5, pending: 0 });
    } finally {
      await store.close();
    }
  });
});
