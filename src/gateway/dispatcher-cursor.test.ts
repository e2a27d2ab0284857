// The dispatched inbox rows stay a prefix of the inbox when `inbox reprocess` runs while a batch is being
// dispatched: the batch read before the reprocess is read again, not written.
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../store/temp-dirs.test-util.js';
import { dispatcherOnStore } from './dispatcher.test-util.js';

const tempDir = tempDirs('flowgate-cursor-');

describe('Dispatcher and inbox reprocess', () => {
  it('re-reads a batch when the rows before it were put back meanwhile', async () => {
    const { store, dispatcher, body } = await dispatcherOnStore(tempDir());
    try {
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
